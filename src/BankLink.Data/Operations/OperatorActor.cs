using BankLink.Data.Links;
using BankLink.Domain.Operators;

namespace BankLink.Data.Operations;

/// <summary>
/// The operator doing something, as the console, the admin API or a command identified them. Every operation takes one,
/// checks <see cref="Role"/> itself (defence in depth behind the HTTP policies) and writes <see cref="LoginId"/> into
/// the audit trail as the actor.
/// </summary>
public sealed record OperatorActor(Guid OperatorId, string LoginId, OperatorRole Role)
{
    /// <summary>The actor of a command run on the server's own machine by someone with its configuration (no operator account).</summary>
    public static OperatorActor Command(string userName) => new(Guid.Empty, $"command:{userName}", OperatorRole.Admin);

    public AuditActor ToAuditActor() => AuditActor.Operator(LoginId);
}

/// <summary>
/// Every mutating operator action carries a reason (issue 6): trimmed, 5 to 500 characters, no control characters.
/// It is written to the audit trail with the action.
/// </summary>
public static class OperatorReason
{
    public const int MinLength = 5;
    public const int MaxLength = 500;

    public static bool TryNormalize(string? raw, out string reason)
    {
        reason = (raw ?? "").Trim();
        if (reason.Length is < MinLength or > MaxLength || reason.Any(char.IsControl))
        {
            reason = "";
            return false;
        }

        return true;
    }
}

/// <summary>An operation refused for a reason the caller can show (unknown target, wrong state, role too low, four-eyes).</summary>
public sealed class OperationRefusedException(string code, string message) : Exception(message)
{
    /// <summary>A stable snake_case code: <c>not_found</c>, <c>forbidden</c>, <c>invalid_reason</c>, <c>conflict</c>, <c>invalid_request</c>, <c>same_operator</c>.</summary>
    public string Code { get; } = code;

    /// <summary>
    /// Set when a four-eyes request was approved and the action itself then refused (its target changed since the
    /// request): the approval is spent and will not run again.
    /// </summary>
    public Guid? SpentApprovalId { get; init; }
}
