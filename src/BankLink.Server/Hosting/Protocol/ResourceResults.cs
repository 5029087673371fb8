using BankLink.Protocol.Dpop;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Resource;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Hosting.Protocol;

/// <summary>
/// How a protected resource refuses: 401 (403 for insufficient_scope) with the RFC 6750 §3 / RFC 9449 §7.1
/// challenge for the DPoP scheme, a fresh DPoP-Nonce when that is what was missing, and an RFC 9457 problem
/// body carrying the same error code and what to do.
/// </summary>
public static partial class ResourceResults
{
    public static IResult Refuse(HttpContext http, ProtocolError error, string? detail, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(error);
        LogRefused(logger, error.Id, error.Error, detail ?? "");
        var status = error.Error == Errors.InsufficientScope ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate =
            $"DPoP error=\"{error.Error}\", error_description=\"{error.Description.Replace("\"", "'", StringComparison.Ordinal)}\", algs=\"{AccessTokenValidator.Algorithms}\"";
        if (error.Error == Errors.UseDpopNonce)
        {
            http.Response.Headers["DPoP-Nonce"] = http.RequestServices.GetRequiredService<IDpopNonces>().Issue();
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Problem(
            title: error.Error, detail: error.Description, statusCode: status, type: error.Uri,
            extensions: new Dictionary<string, object?> { ["error"] = error.Error, ["errorId"] = error.Id });
    }

    [LoggerMessage(EventId = 6801, Level = LogLevel.Information, Message = "Resource request refused: {ErrorId} {Error} ({Detail})")]
    private static partial void LogRefused(ILogger logger, string errorId, string error, string detail);
}
