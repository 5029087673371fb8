using System.Text.Json.Nodes;
using BankLink.Domain.Operators;

namespace BankLink.Data.Operations.FourEyes;

/// <summary>Where a four-eyes request is in its life.</summary>
public enum PendingActionStatus
{
    Pending,

    /// <summary>A second operator approved it. The approver's console or API then executes the payload.</summary>
    Approved,

    /// <summary>Rejected by an operator who may do the action, or withdrawn by the requester.</summary>
    Rejected,

    /// <summary>Nobody decided within <see cref="FourEyesQueue.RequestLifetime"/>.</summary>
    Expired,
}

/// <summary>
/// What the requester asks a second operator to approve. <see cref="Target"/> is what people read ("all links of
/// tanaka01", "provider サンドボックス家計簿"). <see cref="Payload"/> holds what the executing layer needs to run the
/// action (ids, flags) and never a secret. The queue refuses keys that name one (password, secret, seed, PIN,
/// token) and refuses payloads over 8 KB. <see cref="CustomerId"/> and <see cref="ProviderId"/> let the console
/// show the request on the customer's or provider's page.
/// </summary>
public sealed record OperatorActionRequest(string Action, string Target, JsonObject Payload, Guid? CustomerId = null, Guid? ProviderId = null);

/// <summary>A four-eyes request as stored.</summary>
public sealed record PendingOperatorAction(
    Guid Id,
    string Action,
    OperatorRole RequiredRole,
    string Target,
    Guid? CustomerId,
    Guid? ProviderId,
    JsonObject Payload,
    string Reason,
    Guid RequestedById,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    PendingActionStatus Status,
    Guid? DecidedById,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? DecisionReason)
{
    /// <summary>
    /// The reason the approver passes to the operation that executes the action. It is the requester's reason with
    /// the request's id, so the action's own audit event leads back to four_eyes_requested and four_eyes_approved.
    /// It is cut to fit <see cref="OperatorReason.MaxLength"/>.
    /// </summary>
    public string ExecutionReason
    {
        get
        {
            var suffix = $" [four-eyes {Id}]";
            var room = OperatorReason.MaxLength - suffix.Length;
            if (Reason.Length <= room)
            {
                return Reason + suffix;
            }

            // Never half a surrogate pair.
            var cut = char.IsHighSurrogate(Reason[room - 1]) ? room - 1 : room;
            return Reason[..cut].TrimEnd() + suffix;
        }
    }
}
