using BankLink.Server.Authorization;
using BankLink.Server.Hosting.Protocol;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Apis;

/// <summary>
/// The authorization endpoint (RFC 6749 §3.1, RFC 9126 §4): the browser arrives with client_id and
/// request_uri; BankLink finds the pushed request, makes sure the customer is logged in (prompt, max_age),
/// and sends them to the consent page. Errors go to the client's redirect_uri only once client and
/// request are known good; otherwise the customer sees an error page (RFC 6749 §4.1.2.1).
/// </summary>
public static class AuthorizationApi
{
    public const string Path = "/connect/authorize";

    public static WebApplication MapAuthorizationApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(Path, AuthorizeAsync).WithName("Authorize").WithSummary("RFC 6749 authorization endpoint (PAR required)");
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, AuthorizationRequests requests, IssuerOptions issuer, TimeProvider clock)
    {
        var query = http.Request.Query;
        if (query[Parameters.ClientId].Count > 1 || query[Parameters.RequestUri].Count > 1)
        {
            return ErrorPage("A parameter was sent more than once.");
        }

        var clientId = query[Parameters.ClientId].ToString();
        var requestUri = query[Parameters.RequestUri].ToString();
        var pending = await requests.FindAsync(clientId, requestUri, http.RequestAborted);
        if (pending is null)
        {
            return ErrorPage(AuthorizationRequests.InvalidLinkMessage);
        }

        var session = await CustomerSession.CurrentAsync(http);
        var now = clock.GetUtcNow();

        // A login counts for this request if it happened after the request was pushed (prompt=login), and
        // within max_age (OIDC Core §3.1.2.1).
        var fresh = session is { } s
            && (!pending.Prompts.Contains(Prompts.Login) || s.AuthTime >= pending.Request.CreatedAt)
            && (pending.MaxAge is not { } maxAge || now - s.AuthTime <= TimeSpan.FromSeconds(maxAge));
        if (pending.Prompts.Contains(Prompts.None))
        {
            // prompt=none never shows a page: without a session, or since consent is always asked, the client hears why.
            return Results.Redirect(AuthorizationRequests.ErrorRedirect(pending, issuer.Issuer, fresh ? "consent_required" : "login_required",
                fresh ? "The customer must approve this link on the bank's consent page." : "The customer is not logged in at the bank."));
        }

        return fresh
            ? Results.Redirect(AuthorizationRequests.ConsentPath(clientId, requestUri))
            : Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString(AuthorizationRequests.AuthorizePath(clientId, requestUri)));
    }

    private static IResult ErrorPage(string message) =>
        Results.Content($"<!DOCTYPE html><html lang=\"ja\"><meta charset=\"utf-8\"><title>BankLink</title><main><h1>エラー / Error</h1><p>{System.Net.WebUtility.HtmlEncode(message)}</p></main></html>",
            "text/html; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
}
