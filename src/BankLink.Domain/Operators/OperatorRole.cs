namespace BankLink.Domain.Operators;

/// <summary>
/// What an operator (a bank employee, never a customer) may do; each role includes the ones below it.
/// Viewer reads only; Operator also revokes links, lifts stops, deregisters OTP tokens and records account events;
/// Admin also manages providers, onboarding tokens, service hours and operators.
/// </summary>
public enum OperatorRole
{
    Viewer = 1,
    Operator = 2,
    Admin = 3,
}

public static class OperatorRoles
{
    /// <summary>Whether a holder of <paramref name="held"/> may do what needs <paramref name="needed"/>.</summary>
    public static bool Allows(this OperatorRole held, OperatorRole needed) => Enum.IsDefined(held) && held >= needed;

    /// <summary>The role's name in the database, the admin API and the console (lower case).</summary>
    public static string ToName(this OperatorRole role) => role switch
    {
        OperatorRole.Viewer => "viewer",
        OperatorRole.Operator => "operator",
        OperatorRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static bool TryParse(string? name, out OperatorRole role)
    {
        role = name switch
        {
            "viewer" => OperatorRole.Viewer,
            "operator" => OperatorRole.Operator,
            "admin" => OperatorRole.Admin,
            _ => 0,
        };
        return role != 0;
    }
}
