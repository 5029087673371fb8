using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace BankLink.Server.Hosting;

/// <summary>Where a <see cref="StepCookie{TState}"/> lives: its name, the path it is sent to, how long it holds, its Data Protection purpose.</summary>
public sealed record StepCookieSettings(string Name, string Path, SameSiteMode SameSite, TimeSpan Lifetime, string Purpose);

/// <summary>
/// What one step of a two-step form (login ID and password, then the one-time code) found, carried to the next step in
/// an encrypted, authenticated, time-limited cookie (ASP.NET Core Data Protection): HttpOnly, sent only to the
/// step's path, never a secret inside. Anything missing, expired, oversized or tampered with reads as nothing.
/// </summary>
public class StepCookie<TState>(IDataProtectionProvider dataProtection, TimeProvider clock, StepCookieSettings settings)
    where TState : class
{
    private readonly ITimeLimitedDataProtector _protector = dataProtection.CreateProtector(settings.Purpose).ToTimeLimitedDataProtector();

    public void Save(HttpContext http, TState state)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Cookies.Append(settings.Name, _protector.Protect(JsonSerializer.Serialize(state), clock.GetUtcNow() + settings.Lifetime), Options(http, settings));
    }

    /// <summary>The pending state, or null when there is none, it expired, or it was tampered with.</summary>
    public TState? Read(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.Cookies[settings.Name] is not { Length: > 0 and < 4096 } value)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<TState>(_protector.Unprotect(value, out var expiration)) is { } state && expiration > clock.GetUtcNow() ? state : null;
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

    protected static void Delete(HttpContext http, StepCookieSettings settings)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(settings);
        http.Response.Cookies.Delete(settings.Name, Options(http, settings));
    }

    private static CookieOptions Options(HttpContext http, StepCookieSettings settings) => new()
    {
        HttpOnly = true,
        SameSite = settings.SameSite,
        Secure = http.Request.IsHttps,
        Path = settings.Path,
        IsEssential = true,
    };
}
