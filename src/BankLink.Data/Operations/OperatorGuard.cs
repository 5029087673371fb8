using BankLink.Domain.Operators;

namespace BankLink.Data.Operations;

/// <summary>
/// The checks every operator operation makes before it touches anything, in this order: the role (a viewer learns
/// nothing about targets it may not change), then the reason, then the target. Each refusal is an
/// <see cref="OperationRefusedException"/> with its stable code.
/// </summary>
internal static class OperatorGuard
{
    public const string NotFound = "not_found";
    public const string Forbidden = "forbidden";
    public const string InvalidReason = "invalid_reason";
    public const string Conflict = "conflict";
    public const string InvalidRequest = "invalid_request";
    public const string SameOperator = "same_operator";

    public static void RequireRole(OperatorActor actor, OperatorRole needed, string what)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Role.Allows(needed))
        {
            throw new OperationRefusedException(Forbidden, $"{what} needs the {needed.ToName()} role.");
        }
    }

    /// <summary>The reason as it is stored: trimmed, 5 to 500 characters, no control characters.</summary>
    public static string RequireReason(string? raw) => OperatorReason.TryNormalize(raw, out var reason)
        ? reason
        : throw new OperationRefusedException(InvalidReason,
            $"Give a reason of {OperatorReason.MinLength} to {OperatorReason.MaxLength} characters, without line breaks or other control characters.");

    public static OperationRefusedException Missing(string what) => new(NotFound, what);
}
