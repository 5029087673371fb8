using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Domain.Operators;

namespace BankLink.Data.Operations.Providers;

/// <summary>The audit event types of the provider-side and service operations (issue 6), written with actor kind operator.</summary>
public static class ProviderOperationEvents
{
    public const string ProviderSuspended = "provider_suspended";
    public const string ProviderReinstated = "provider_reinstated";
    public const string ChainedRecipientsChanged = "chained_recipients_changed";
    public const string OnboardingTokenIssued = "onboarding_token_issued";
    public const string OnboardingTokenRenewed = "onboarding_token_renewed";
    public const string OnboardingTokenRevoked = "onboarding_token_revoked";
    public const string ServiceHoursChanged = "service_hours_changed";
}

/// <summary>
/// The provider-side operations' short forms of <see cref="OperatorGuard"/> (role, then reason), plus their audit event
/// and free-text rules.
/// </summary>
internal static class OperatorChecks
{
    public static void RequireRole(OperatorActor actor, OperatorRole needed) => OperatorGuard.RequireRole(actor, needed, "This");

    /// <summary>Role and reason of a mutation; returns the normalised reason that goes into the audit trail.</summary>
    public static string RequireMutation(OperatorActor actor, OperatorRole needed, string? reason)
    {
        OperatorGuard.RequireRole(actor, needed, "This");
        return OperatorGuard.RequireReason(reason);
    }

    public static OperationRefusedException NotFound(string what) => OperatorGuard.Missing(what);

    public static OperationRefusedException Conflict(string what) => new(OperatorGuard.Conflict, what);

    public static OperationRefusedException Invalid(string what) => new(OperatorGuard.InvalidRequest, what);

    /// <summary>An operator's audit event: the reason always first in its detail.</summary>
    public static AuditEvent Event(string type, DateTimeOffset at, OperatorActor actor, string reason, Guid? providerId, JsonObject? more = null, string? clientId = null)
    {
        var detail = new JsonObject { ["reason"] = reason };
        if (more is not null)
        {
            foreach (var (key, value) in more.ToList())
            {
                more.Remove(key);
                detail[key] = value;
            }
        }

        var auditActor = actor.ToAuditActor();
        return new AuditEvent(type, at, auditActor.Kind, auditActor.Id, ProviderId: providerId, ClientId: clientId, Detail: detail);
    }

    /// <summary>Free text people type (names, purposes): trimmed, 1 to <paramref name="max"/> characters, no control characters.</summary>
    public static bool TryText(string? raw, int max, out string text)
    {
        text = (raw ?? "").Trim();
        return text.Length >= 1 && text.Length <= max && !text.Any(char.IsControl);
    }
}
