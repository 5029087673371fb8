using System.Text.Json;
using BankLink.Data.Customers;
using Microsoft.AspNetCore.DataProtection;

namespace BankLink.Server.Authorization;

/// <summary>
/// What step one of the login (login ID and password) found, carried to step two (the one-time password)
/// in an encrypted, five-minute cookie: the customer it proved, or only that the attempt already failed. The
/// answer waits for step two, so a wrong password and a wrong code look the same to whoever types them
/// (DOMAIN.md: "Wrong input never reveals which part was wrong"). No secret is in it: neither the password
/// nor anything derived from it.
/// </summary>
public sealed class PendingLogin(IDataProtectionProvider dataProtection, TimeProvider clock)
{
    public const string CookieName = "banklink.login";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ITimeLimitedDataProtector _protector = dataProtection.CreateProtector("BankLink.PendingLogin.v1").ToTimeLimitedDataProtector();

    /// <summary>Step one's finding: Accepted with the customer, or the failure to show after step two.</summary>
    public sealed record State(AuthenticationOutcome Outcome, Guid? CustomerId);

    public void Save(HttpContext http, State state)
    {
        ArgumentNullException.ThrowIfNull(http);
        var value = _protector.Protect(JsonSerializer.Serialize(state), clock.GetUtcNow() + Lifetime);
        http.Response.Cookies.Append(CookieName, value, Options(http));
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
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps,
        Path = "/login",
        IsEssential = true,
    };
}
