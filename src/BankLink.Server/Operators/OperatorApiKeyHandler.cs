using System.Security.Claims;
using System.Text.Encodings.Web;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace BankLink.Server.Operators;

/// <summary>
/// Authenticates admin API calls by <c>Authorization: Bearer blak_…</c> (RFC 6750 §2.1), only under /admin/. Refusals are
/// RFC 9457 problems like the rest of the server: 401 with <c>WWW-Authenticate: Bearer</c> (and <c>error="invalid_token"</c>
/// when a key was sent, RFC 6750 §3.1), 403 when the operator's role is too low. Cookies play no part here, so a page
/// on another site cannot make a browser call the admin API (no CSRF).
/// </summary>
internal sealed partial class OperatorApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, OperatorApiKeys apiKeys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string Realm = "BankLink admin API";

    private readonly ILogger _log = loggerFactory.CreateLogger<OperatorApiKeyHandler>();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!OperatorAuthentication.IsAdminPath(Request.Path))
        {
            return AuthenticateResult.NoResult();
        }

        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        // The scheme name is case-insensitive (RFC 9110 §11.1); one credential, in one header.
        var value = headers.Count == 1 ? headers[0] : null;
        if (value is null || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The admin API takes one Authorization: Bearer header with an API key.");
        }

        var caller = await apiKeys.VerifyAsync(value["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
        {
            LogKeyRefused(_log);
            return AuthenticateResult.Fail("The API key is unknown, revoked or expired, or its operator is not active.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(OperatorClaims.OperatorId, caller.Operator.OperatorId.ToString()),
            new Claim(OperatorClaims.LoginId, caller.Operator.LoginId),
            new Claim(OperatorClaims.Role, caller.Operator.Role.ToName()),
            new Claim(OperatorClaims.ApiKeyId, caller.KeyId.ToString()),
        ], OperatorAuthentication.ApiKeyScheme, OperatorClaims.LoginId, OperatorClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), OperatorAuthentication.ApiKeyScheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = Request.Headers.Authorization.Count > 0;
        Response.Headers.WWWAuthenticate = presented
            ? $"Bearer realm=\"{Realm}\", error=\"invalid_token\", error_description=\"The API key is unknown, revoked or expired\""
            : $"Bearer realm=\"{Realm}\"";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "unauthorized",
            presented
                ? "The API key is unknown, revoked or expired, or its operator is not active. Ask an admin for a new key."
                : "The admin API needs an API key: Authorization: Bearer blak_...");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "forbidden", "The operator this API key belongs to does not have the role this call needs.");

    private async Task WriteProblemAsync(int status, string error, string detail)
    {
        Response.Headers.CacheControl = "no-store";
        await TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["error"] = error }).ExecuteAsync(Context);
    }

    /// <summary>Stable event id 6231: many of these from one place is someone trying keys. Never the key itself.</summary>
    [LoggerMessage(EventId = 6231, EventName = "AdminApiKeyRefused", Level = LogLevel.Information,
        Message = "An admin API call presented an API key that is malformed, unknown, revoked or expired, or whose operator is not active")]
    private static partial void LogKeyRefused(ILogger logger);
}
