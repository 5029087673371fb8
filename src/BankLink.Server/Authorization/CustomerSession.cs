using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Authorization;

/// <summary>
/// The account holder's browser session: a cookie (HttpOnly, SameSite=Lax so the provider's top-level
/// redirect to the bank carries it, Secure over HTTPS, short sliding idle timeout) holding who logged in and when.
/// </summary>
public static class CustomerSession
{
    public const string Scheme = "BankLink.Customer";
    public const string CustomerIdClaim = "bl:customer_id";
    public const string CustomerNumberClaim = "bl:customer_number";
    public const string AuthTimeClaim = "auth_time";

    /// <summary>The RFC 8176 methods the login used, space-separated (see <see cref="AuthenticationMethods"/>).</summary>
    public const string AmrClaim = "amr";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    public static IServiceCollection AddCustomerSession(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "banklink.customer";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = IdleTimeout;
            options.SlidingExpiration = true;
            options.LoginPath = "/login";

            // 利用中止 means nothing works (DOMAIN.md): a session opened before the stop ends at the next request.
            options.Events.OnValidatePrincipal = async context =>
            {
                if (!Guid.TryParse(context.Principal?.FindFirstValue(CustomerIdClaim), out var customerId)
                    || !await IsActiveAsync(context.HttpContext.RequestServices.GetRequiredService<Npgsql.NpgsqlDataSource>(), customerId, context.HttpContext.RequestAborted))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(Scheme);
                }
            };
        });
        services.AddAuthorization();
        services.AddSingleton<PendingLogin>();
        return services;
    }

    /// <summary>
    /// Razor Pages for the customer. Text is written as UTF-8 characters, not numeric entities: the pages
    /// are Japanese first, and the encoder still escapes every HTML-significant character.
    /// </summary>
    public static IServiceCollection AddCustomerPages(this IServiceCollection services)
    {
        services.AddRazorPages();
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        return services;
    }

    public static Task SignInAsync(HttpContext http, Guid customerId, string customerNumber, DateTimeOffset authTime, IReadOnlyList<string> amr)
    {
        ArgumentNullException.ThrowIfNull(amr);
        ArgumentNullException.ThrowIfNull(http);
        var identity = new ClaimsIdentity(
        [
            new Claim(CustomerIdClaim, customerId.ToString()),
            new Claim(CustomerNumberClaim, customerNumber),
            new Claim(AuthTimeClaim, authTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new Claim(AmrClaim, string.Join(' ', amr)),
        ], Scheme);
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
    }

    private static async Task<bool> IsActiveAsync(Npgsql.NpgsqlDataSource dataSource, Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT status = 'active' FROM customers WHERE id = $1");
        command.Parameters.AddWithValue(customerId);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>The logged-in customer, or null.</summary>
    public static async Task<CustomerLogin?> CurrentAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var result = await http.AuthenticateAsync(Scheme);
        var principal = result.Principal;
        if (!result.Succeeded || principal is null
            || !Guid.TryParse(principal.FindFirstValue(CustomerIdClaim), out var id)
            || principal.FindFirstValue(CustomerNumberClaim) is not { } number
            || !long.TryParse(principal.FindFirstValue(AuthTimeClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var authTime)
            || principal.FindFirstValue(AmrClaim) is not { Length: > 0 } amr)
        {
            return null;
        }

        return new CustomerLogin(id, number, DateTimeOffset.FromUnixTimeSeconds(authTime), amr.Split(' '));
    }
}

/// <summary>Who is logged in, since when (OIDC auth_time), and how (RFC 8176 amr).</summary>
public readonly record struct CustomerLogin(Guid CustomerId, string CustomerNumber, DateTimeOffset AuthTime, IReadOnlyList<string> Amr);
