using BankLink.Domain.Operators;
using Microsoft.AspNetCore.Authorization;

namespace BankLink.Server.Operators;

/// <summary>
/// The authorization policies of the console and the admin API, one per role (each role includes the ones below it).
/// Each authenticates with <see cref="OperatorAuthentication.Scheme"/> (the console cookie under /console, an API key
/// under /admin/) and checks the operator's role as the database has it now. The operations check the role again
/// themselves (<see cref="Data.Operations.OperatorActor"/>): the policy is the first line, not the only one.
/// </summary>
public static class OperatorPolicies
{
    /// <summary>Reads only: any active operator.</summary>
    public const string Viewer = "operator:viewer";

    /// <summary>Revokes links, lifts stops, deregisters OTP tokens, records account events.</summary>
    public const string Operator = "operator:operator";

    /// <summary>Providers, onboarding tokens, service hours, operators.</summary>
    public const string Admin = "operator:admin";

    public static OperatorRole RoleOf(string policy) => policy switch
    {
        Viewer => OperatorRole.Viewer,
        Operator => OperatorRole.Operator,
        Admin => OperatorRole.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(policy)),
    };

    internal static AuthorizationBuilder AddOperatorPolicies(this AuthorizationBuilder builder)
    {
        foreach (var policy in new[] { Viewer, Operator, Admin })
        {
            var needed = RoleOf(policy);
            builder.AddPolicy(policy, p => p
                .AddAuthenticationSchemes(OperatorAuthentication.Scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => OperatorClaims.Read(context.User) is { } actor && actor.Role.Allows(needed)));
        }

        return builder;
    }
}
