using BankLink.Data.Customers;
using BankLink.Server.Hosting;
using Microsoft.AspNetCore.DataProtection;

namespace BankLink.Server.Authorization;

/// <summary>
/// What step one of the login (login ID and password) found, carried to step two (the one-time password)
/// in an encrypted, five-minute cookie: the customer it proved, or only that the attempt already failed. The
/// answer waits for step two, so a wrong password and a wrong code look the same to whoever types them
/// (DOMAIN.md: "Wrong input never reveals which part was wrong"). No secret is in it: neither the password
/// nor anything derived from it. Lax, not Strict: the login is reached by the redirect from a provider's site.
/// </summary>
public sealed class PendingLogin(IDataProtectionProvider dataProtection, TimeProvider clock)
    : StepCookie<PendingLogin.State>(dataProtection, clock, Settings)
{
    public const string CookieName = "banklink.login";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private static readonly StepCookieSettings Settings = new(CookieName, "/login", SameSiteMode.Lax, Lifetime, "BankLink.PendingLogin.v1");

    /// <summary>Step one's finding: Accepted with the customer, or the failure to show after step two.</summary>
    public sealed record State(AuthenticationOutcome Outcome, Guid? CustomerId);

    public static void Clear(HttpContext http) => Delete(http, Settings);
}
