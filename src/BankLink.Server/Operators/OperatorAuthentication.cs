using BankLink.Server.Hosting.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace BankLink.Server.Operators;

/// <summary>
/// How operators are authenticated, kept apart from customers: the console's own cookie under <c>/console</c>, and
/// <c>Authorization: Bearer blak_…</c> API keys under <c>/admin/</c>. The one <see cref="Scheme"/> the policies name
/// picks by path, so a cookie never authenticates an admin API call (the API stays free of CSRF) and a key never
/// opens a console page.
/// </summary>
public static class OperatorAuthentication
{
    /// <summary>What <see cref="OperatorPolicies"/> authenticate with: forwards to the cookie or the API key scheme by path.</summary>
    public const string Scheme = "BankLink.Operator";

    public const string CookieScheme = "BankLink.OperatorConsole";
    public const string ApiKeyScheme = "BankLink.OperatorApiKey";

    public const string ConsolePath = "/console";
    public const string AdminPath = "/admin";

    public static bool IsConsolePath(PathString path) => path.StartsWithSegments(ConsolePath, StringComparison.OrdinalIgnoreCase);

    public static bool IsAdminPath(PathString path) => path.StartsWithSegments(AdminPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The operator console and the admin API's authentication: schemes, role policies, the console's login state and
    /// page conventions (every page under /console needs at least a viewer, sends no-store, a strict CSP, no framing,
    /// and opens only the password page while the operator must replace a generated password).
    /// </summary>
    public static IServiceCollection AddOperatorConsole(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, "BankLink operator", options =>
                options.ForwardDefaultSelector = context => IsAdminPath(context.Request.Path) ? ApiKeyScheme : CookieScheme)
            .AddCookie(CookieScheme, options => { })
            .AddScheme<AuthenticationSchemeOptions, OperatorApiKeyHandler>(ApiKeyScheme, options => { });
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<IOptions<IssuerOptions>>((options, issuer) => OperatorSession.Configure(options, issuer.Value));
        services.AddAuthorizationBuilder().AddOperatorPolicies();
        services.AddSingleton<OperatorPendingLogin>();
        services.Configure<RazorPagesOptions>(options =>
        {
            options.Conventions.AuthorizeFolder("/Console", OperatorPolicies.Viewer);
            options.Conventions.AllowAnonymousToPage("/Console/Login");
            options.Conventions.AllowAnonymousToPage("/Console/LoginOtp");
            options.Conventions.AddFolderApplicationModelConvention("/Console", model =>
            {
                model.Filters.Add(new ConsolePageHeaders());
                model.Filters.Add(new ConsolePasswordGate());
            });
        });
        return services;
    }
}
