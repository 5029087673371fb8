using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Hosting.Protocol;

/// <summary>
/// The host adapter's one place that turns an endpoint's outcome into HTTP (STYLE.md 2): the status per
/// error code, the RFC 6750 §3 WWW-Authenticate challenge for token errors, and Cache-Control: no-store on
/// every protocol response (RFC 6749 §5.1, RFC 7591 §3.2).
/// </summary>
public static partial class ProtocolResults
{
    public static int StatusFor(ProtocolError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Error switch
        {
            // At the authorization server a DPoP error is a 400 like any other request error (RFC 9449 §5 and §8);
            // the resource API answers 401 with a DPoP challenge instead.
            Errors.InvalidClient or Errors.InvalidToken => StatusCodes.Status401Unauthorized,
            Errors.InsufficientScope => StatusCodes.Status403Forbidden,
            Errors.ServerError => StatusCodes.Status500InternalServerError,
            _ => StatusCodes.Status400BadRequest,
        };
    }

    /// <summary>Writes the error (RFC 6749 §5.2 shape) and logs the specific cause, which the client never sees.</summary>
    public static async Task WriteErrorAsync(HttpContext http, ProtocolContext context, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(context);
        var error = context.Error ?? throw new InvalidOperationException("No error to write.");
        LogRefused(logger, error.Id, error.Error, context.ErrorDetail ?? "");
        var status = StatusFor(error);
        if (error.Error == Errors.InvalidToken)
        {
            http.Response.Headers.WWWAuthenticate = $"Bearer error=\"{error.Error}\", error_description=\"{error.Description.Replace("\"", "'", StringComparison.Ordinal)}\"";
        }
        else if (error.Error == Errors.InvalidClient && BasicCredentials(http.Request) is not null)
        {
            // RFC 6749 §5.2: a client that tried the Authorization header gets a challenge for its scheme.
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"BankLink\"";
        }

        await WriteJsonAsync(http, status, new JsonObject
        {
            [Parameters.Error] = error.Error,
            [Parameters.ErrorDescription] = error.Description,
            [Parameters.ErrorUri] = error.Uri,
        });
    }

    public static async Task WriteJsonAsync(HttpContext http, int status, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        http.Response.StatusCode = status;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }

    /// <summary>
    /// The bearer token of the request (RFC 6750 §2.1), or null when there is none or it is malformed,
    /// including a second Authorization header.
    /// </summary>
    public static string? BearerToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } value)
        {
            return null;
        }

        const string scheme = "Bearer ";
        return value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && value.Length > scheme.Length
            ? value[scheme.Length..].Trim()
            : null;
    }

    /// <summary>
    /// HTTP Basic client credentials (RFC 6749 §2.3.1: id and secret are form-urlencoded, then base64), or
    /// null when there is no Basic header. A malformed header gives an empty id, which authenticates nobody.
    /// </summary>
    public static (string ClientId, string? Secret)? BasicCredentials(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } value || !value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (string.Empty, null) : (FormDecode(decoded[..colon]), FormDecode(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return (string.Empty, null);
        }
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    [LoggerMessage(EventId = 6601, Level = LogLevel.Information, Message = "Protocol request refused: {ErrorId} {Error} ({Detail})")]
    private static partial void LogRefused(ILogger logger, string errorId, string error, string detail);
}
