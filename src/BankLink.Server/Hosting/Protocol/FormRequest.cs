using BankLink.Protocol.Primitives;

namespace BankLink.Server.Hosting.Protocol;

/// <summary>Reads an application/x-www-form-urlencoded protocol request (RFC 6749 Appendix B), keeping repeated parameters.</summary>
public static class FormRequest
{
    /// <summary>Back-channel requests are small; the largest member is a client assertion.</summary>
    public const int MaxBodyBytes = 48 * 1024;

    /// <returns>Null when the body is not a form or is too large.</returns>
    public static async Task<ProtocolRequest?> ReadAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true
            || request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        try
        {
            var form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { ValueLengthLimit = MaxBodyBytes, ValueCountLimit = 64 }, request.HttpContext.RequestAborted);
            return ProtocolRequest.FromPairs(form.SelectMany(field => field.Value.Select(value => new KeyValuePair<string, string?>(field.Key, value))));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }
}
