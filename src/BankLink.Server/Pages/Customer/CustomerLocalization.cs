using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// Japanese by default, English on request (ARCHITECTURE.md "Browser pages"). The choice is a link on every
/// page (no JavaScript needed) and is remembered in a cookie; the browser's Accept-Language is not used, so a
/// customer sees the bank's language until they choose otherwise.
/// </summary>
public static class CustomerLocalization
{
    public const string CookieName = "banklink.lang";
    public const string Japanese = "ja";
    public const string English = "en";

    public static readonly IReadOnlyList<CultureInfo> Cultures = [CultureInfo.GetCultureInfo(Japanese), CultureInfo.GetCultureInfo(English)];

    public static IServiceCollection AddCustomerLocalization(this IServiceCollection services)
    {
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Japanese);
            options.SupportedCultures = [.. Cultures];
            options.SupportedUICultures = [.. Cultures];
            options.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = CookieName }];
        });
        return services;
    }

    /// <summary>GET /language/{ja|en}?returnUrl=…: remembers the choice for a year and goes back to the (local) page.</summary>
    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/language/{language}", (HttpContext http, string language, string? returnUrl) =>
        {
            if (!Cultures.Any(c => c.Name == language))
            {
                return Results.NotFound();
            }

            http.Response.Cookies.Append(CookieName, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = http.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(365),
                IsEssential = true,
            });

            // Only a path on this site: an open redirect here would let anyone bounce customers to a look-alike page.
            return Results.LocalRedirect(IsLocalPath(returnUrl) ? returnUrl! : "/links");
        }).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>The other language, for the switch link.</summary>
    public static string Other => CultureInfo.CurrentUICulture.Name == English ? Japanese : English;

    internal static bool IsLocalPath(string? url) =>
        url is { Length: > 0 and <= 2048 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\n', StringComparison.Ordinal);
}
