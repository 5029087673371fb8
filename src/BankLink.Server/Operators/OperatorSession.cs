using System.Globalization;
using System.Security.Claims;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Server.Hosting.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace BankLink.Server.Operators;

/// <summary>
/// The operator's console session: a cookie of its own (not the customers'), sent only to /console, HttpOnly,
/// SameSite=Strict (no other site can make the browser send it, RFC 6265bis §5.4.7), Secure when the issuer is https,
/// idle for at most 15 minutes and never older than 8 hours. Every request re-reads the operator: a stopped or disabled
/// operator, a reset of their credentials, a password change in another session or the end of the 8 hours ends the
/// session at once, and the role the page sees (and whether the operator must change their password first) is what the
/// database has now.
/// </summary>
public static class OperatorSession
{
    public const string CookieName = "banklink.console";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(8);

    internal static void Configure(CookieAuthenticationOptions options, IssuerOptions issuer)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.Path = OperatorAuthentication.ConsolePath;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = issuer.Issuer.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
            ? CookieSecurePolicy.Always
            : CookieSecurePolicy.SameAsRequest;
        options.Cookie.IsEssential = true;
        options.ExpireTimeSpan = IdleTimeout;
        options.SlidingExpiration = true;
        options.LoginPath = "/console/login";
        options.LogoutPath = "/console/logout";
        options.AccessDeniedPath = "/console/forbidden";
        options.ReturnUrlParameter = "returnUrl";
        options.Events.OnValidatePrincipal = ValidateAsync;
    }

    public static Task SignInAsync(HttpContext http, OperatorSessionState state, DateTimeOffset authTime)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(state);
        return http.SignInAsync(OperatorAuthentication.CookieScheme, Principal(state, authTime));
    }

    /// <summary>
    /// Re-issues the current session after the operator changed their own password: a new cookie with the new credential
    /// stamp (the operator's other sessions, still on the old one, end at their next request) and the same login time,
    /// so a password change never stretches the 8 hours.
    /// </summary>
    public static Task RenewAfterPasswordChangeAsync(HttpContext http, OperatorSessionState state)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(state);
        var authSeconds = long.Parse(http.User.FindFirstValue(OperatorClaims.AuthTime)
            ?? throw new InvalidOperationException("No console session to renew."), NumberStyles.None, CultureInfo.InvariantCulture);
        return SignInAsync(http, state, DateTimeOffset.FromUnixTimeSeconds(authSeconds));
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(OperatorAuthentication.CookieScheme);

    private static ClaimsPrincipal Principal(OperatorSessionState state, DateTimeOffset authTime)
    {
        List<Claim> claims =
        [
            new Claim(OperatorClaims.OperatorId, state.OperatorId.ToString()),
            new Claim(OperatorClaims.LoginId, state.LoginId),
            new Claim(OperatorClaims.DisplayName, state.DisplayName),
            new Claim(OperatorClaims.Role, state.Role.ToName()),
            new Claim(OperatorClaims.AuthTime, authTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new Claim(OperatorClaims.CredentialStamp, OperatorClaims.Ticks(state.CredentialStamp)),
        ];
        if (state.MustChangePassword)
        {
            claims.Add(new Claim(OperatorClaims.MustChangePassword, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, OperatorAuthentication.CookieScheme, OperatorClaims.LoginId, OperatorClaims.Role));
    }

    /// <summary>
    /// Runs on every request that presents the cookie: one primary-key read of the operator. A session is only as good as
    /// the operator's row is now; the cookie's own claims are never trusted for role or status.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;

        // The cookie's path keeps browsers from sending it elsewhere; this keeps a hand-made request from trying.
        if (!OperatorAuthentication.IsConsolePath(http.Request.Path))
        {
            context.RejectPrincipal();
            return;
        }

        var principal = context.Principal;
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (Guid.TryParse(principal?.FindFirstValue(OperatorClaims.OperatorId), out var operatorId)
            && long.TryParse(principal!.FindFirstValue(OperatorClaims.AuthTime), NumberStyles.None, CultureInfo.InvariantCulture, out var authSeconds)
            && DateTimeOffset.FromUnixTimeSeconds(authSeconds) is var authTime
            && now - authTime < AbsoluteLifetime
            && principal.FindFirstValue(OperatorClaims.CredentialStamp) is { } stamp
            && await http.RequestServices.GetRequiredService<OperatorAuthenticator>().FindSessionAsync(operatorId, http.RequestAborted) is
                { Status: OperatorStatus.Active } state
            && OperatorClaims.Ticks(state.CredentialStamp) == stamp
            && Enum.IsDefined(state.Role))
        {
            context.ReplacePrincipal(Principal(state, authTime));
            return;
        }

        context.RejectPrincipal();
        await http.SignOutAsync(OperatorAuthentication.CookieScheme);
    }
}
