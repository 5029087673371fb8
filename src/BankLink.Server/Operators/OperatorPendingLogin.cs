using System.Text.Json;
using BankLink.Data.Operators;
using Microsoft.AspNetCore.DataProtection;

namespace BankLink.Server.Operators;

/// <summary>
/// What console login step one (login ID and password) found, carried to step two (the TOTP code) in an encrypted,
/// five-minute cookie sent only to /console/login: the operator it proved, or only that the attempt already failed. The
/// answer waits for step two, so a wrong password and a wrong code look the same. No secret is in it.
/// </summary>
public sealed class OperatorPendingLogin(IDataProtectionProvider dataProtection, TimeProvider clock)
{
    public const string CookieName = "banklink.console.login";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("BankLink.Operator.PendingLogin.v1").ToTimeLimitedDataProtector();

    public sealed record State(OperatorLoginOutcome Outcome, Guid? OperatorId);

    public void Save(HttpContext http, State state)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Append(CookieName, _protector.Protect(JsonSerializer.Serialize(state), clock.GetUtcNow() + Lifetime), Options(http));
    }

    /// <summary>The pending state, or null when there is none, it expired, or it was tampered with.</summary>
    public State? Read(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.Cookies[CookieName] is not { Length: > 0 and < 4096 } value)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<State>(_protector.Unprotect(value, out var expiration)) is { } state && expiration > clock.GetUtcNow() ? state : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static void Clear(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Delete(CookieName, Options(http));
    }

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/console/login",
        IsEssential = true,
    };
}
