using BankLink.Data.Operations;
using Microsoft.AspNetCore.Authentication;

namespace BankLink.Server.Operators;

/// <summary>The operator behind the current request, for pages and admin API handlers.</summary>
public static class OperatorHttpContextExtensions
{
    /// <summary>
    /// The operator the request's policy authenticated (console cookie or admin API key), or null. Set on any page or
    /// endpoint behind an <see cref="OperatorPolicies"/> policy; a customer's session never counts.
    /// </summary>
    public static OperatorActor? GetOperator(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return OperatorClaims.Read(http.User);
    }

    /// <summary>The operator behind a page or endpoint that an <see cref="OperatorPolicies"/> policy guards; throws elsewhere (a wiring bug).</summary>
    public static OperatorActor RequireOperator(this HttpContext http) =>
        http.GetOperator() ?? throw new InvalidOperationException("No operator is authenticated: guard the page or endpoint with an OperatorPolicies policy.");

    /// <summary>Authenticates the operator explicitly (for code outside a policy, such as an anonymous page's layout), or null.</summary>
    public static async Task<OperatorActor?> AuthenticateOperatorAsync(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var result = await http.AuthenticateAsync(OperatorAuthentication.Scheme);
        return result.Succeeded ? OperatorClaims.Read(result.Principal) : null;
    }

    /// <summary>The operator's display name in a console session (API keys carry none).</summary>
    public static string? GetOperatorDisplayName(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return OperatorClaims.Read(http.User) is null ? null : http.User.FindFirst(OperatorClaims.DisplayName)?.Value;
    }

    /// <summary>Whether the console session's operator must replace a generated password before anything else (<see cref="ConsolePasswordGate"/>).</summary>
    public static bool MustChangeOperatorPassword(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return OperatorClaims.MustChangePasswordIn(http.User);
    }
}
