using System.Globalization;
using BankLink.CoreBanking;
using BankLink.Protocol.Primitives;

namespace BankLink.Server.Resource;

/// <summary>
/// The resource API's refusals other than the token's own (those are <see cref="Hosting.Protocol.ResourceResults"/>):
/// an RFC 9457 problem whose <c>type</c> is the error's documentation page, with <c>error</c> and <c>errorId</c>,
/// as the token refusals have. The interaction id is added by <see cref="FapiInteraction"/>.
/// </summary>
public static class ResourceProblems
{
    public static IResult Problem(ProtocolError error, int status, Dictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        extensions ??= [];
        extensions["error"] = error.Error;
        extensions["errorId"] = error.Id;
        return TypedResults.Problem(title: error.Error, detail: error.Description, statusCode: status, type: error.Uri, extensions: extensions);
    }

    public static IResult NotFound() => Problem(ResourceErrors.AccountNotFound, StatusCodes.Status404NotFound);

    public static IResult TooManyRequests(HttpContext http, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = ((long)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Problem(ResourceErrors.TooManyRequests, StatusCodes.Status429TooManyRequests);
    }

    /// <summary>
    /// DOMAIN.md "Service hours and data freshness": a clear, machine-readable refusal (<c>reason</c>) and when to
    /// retry (Retry-After in seconds, when known). Never the core's own error text.
    /// </summary>
    public static IResult Unavailable(HttpContext http, CoreUnavailableException unavailable)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(unavailable);
        var extensions = new Dictionary<string, object?> { ["reason"] = unavailable.ReasonName };
        if (unavailable.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = ((long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
        }

        return Problem(ResourceErrors.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable, extensions);
    }
}
