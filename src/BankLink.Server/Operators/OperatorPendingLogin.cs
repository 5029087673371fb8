using BankLink.Data.Operators;
using BankLink.Server.Hosting;
using Microsoft.AspNetCore.DataProtection;

namespace BankLink.Server.Operators;

/// <summary>
/// What console login step one (login ID and password) found, carried to step two (the TOTP code) in an encrypted,
/// five-minute cookie sent only to /console/login: the operator it proved, or only that the attempt already failed. The
/// answer waits for step two, so a wrong password and a wrong code look the same. No secret is in it.
/// </summary>
public sealed class OperatorPendingLogin(IDataProtectionProvider dataProtection, TimeProvider clock)
    : StepCookie<OperatorPendingLogin.State>(dataProtection, clock, Settings)
{
    public const string CookieName = "banklink.console.login";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private static readonly StepCookieSettings Settings = new(CookieName, "/console/login", SameSiteMode.Strict, Lifetime, "BankLink.Operator.PendingLogin.v1");

    public sealed record State(OperatorLoginOutcome Outcome, Guid? OperatorId);

    public static void Clear(HttpContext http) => Delete(http, Settings);
}
