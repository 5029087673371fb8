using System.Text.Json.Nodes;
using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.ServiceHours;

namespace BankLink.Data.Operations.Providers;

/// <summary>What executing a provider, onboarding-token or service-hours action did; the member for its action is set.</summary>
/// <param name="ReinstatedClients">provider_reinstate: the clients active again.</param>
/// <param name="Recipient">edit_chained_recipients: the recipient added or changed (null when removed).</param>
/// <param name="IssuedToken">onboarding_token_issue and onboarding_token_renew: the new token with its secret, shown once.</param>
/// <param name="Token">onboarding_token_revoke: the token as it now stands.</param>
public sealed record ProviderActionOutcome(
    string Action,
    ProviderSuspension? Suspension = null,
    IReadOnlyList<string>? ReinstatedClients = null,
    ProviderRecipient? Recipient = null,
    IssuedOnboardingTokenSecret? IssuedToken = null,
    OnboardingTokenView? Token = null,
    ServiceHoursView? ServiceHours = null);

/// <summary>
/// The provider-side actions of issue 6 (providers, chained recipients, onboarding tokens, service hours) for
/// <see cref="OperatorActions"/>: builds the <see cref="OperatorActionRequest"/> of each (the payload names ids, flags
/// and the texts typed, never a secret) and runs one from its payload. The customer actions are
/// <see cref="Customers.CustomerActionExecutor"/>'s.
/// </summary>
/// <remarks>
/// The chained-recipient edits share one action name (<see cref="OperatorActionNames.EditChainedRecipients"/>): the
/// payload's <c>op</c> says add, change or remove. <see cref="IssueOnboardingToken"/> names the person, not the token:
/// the secret is made when the action executes, so under four-eyes the approver receives it (see <see cref="OperatorActions"/>).
/// A service-hours document travels in the payload; one too large for a four-eyes payload (8 KB, a hundred maintenance
/// windows) is refused as invalid_request when service_hours_edit needs approval.
/// </remarks>
public sealed class ProviderActionExecutor(ProviderOperations providers, OnboardingTokenOperations onboarding, ServiceHoursOperations serviceHours)
{
    public static OperatorActionRequest SuspendProvider(Guid providerId, bool revokeRefreshTokens, string? target = null) => new(
        OperatorActionNames.ProviderSuspend, target ?? $"provider {providerId}",
        new JsonObject { ["provider_id"] = providerId.ToString(), ["revoke_refresh_tokens"] = revokeRefreshTokens }, ProviderId: providerId);

    public static OperatorActionRequest ReinstateProvider(Guid providerId, string? target = null) => new(
        OperatorActionNames.ProviderReinstate, target ?? $"provider {providerId}", new JsonObject { ["provider_id"] = providerId.ToString() }, ProviderId: providerId);

    public static OperatorActionRequest AddChainedRecipient(Guid providerId, ChainedRecipientInput input, string? target = null) => new(
        OperatorActionNames.EditChainedRecipients, target ?? $"chained recipient '{input?.Name}' of provider {providerId}",
        Recipient(new JsonObject { ["op"] = "add", ["provider_id"] = providerId.ToString() }, input), ProviderId: providerId);

    public static OperatorActionRequest ChangeChainedRecipient(Guid providerId, Guid recipientId, ChainedRecipientInput input, string? target = null) => new(
        OperatorActionNames.EditChainedRecipients, target ?? $"chained recipient {recipientId} of provider {providerId}",
        Recipient(new JsonObject { ["op"] = "change", ["provider_id"] = providerId.ToString(), ["recipient_id"] = recipientId.ToString() }, input),
        ProviderId: providerId);

    public static OperatorActionRequest RemoveChainedRecipient(Guid providerId, Guid recipientId, string? target = null) => new(
        OperatorActionNames.EditChainedRecipients, target ?? $"chained recipient {recipientId} of provider {providerId}",
        new JsonObject { ["op"] = "remove", ["provider_id"] = providerId.ToString(), ["recipient_id"] = recipientId.ToString() }, ProviderId: providerId);

    public static OperatorActionRequest IssueOnboardingToken(Guid providerId, string personName, string? target = null) => new(
        OperatorActionNames.OnboardingTokenIssue, target ?? $"onboarding token for {personName} of provider {providerId}",
        new JsonObject { ["provider_id"] = providerId.ToString(), ["person_name"] = personName }, ProviderId: providerId);

    /// <param name="id">The token's id: the 8 characters before '@'.</param>
    public static OperatorActionRequest RenewOnboardingToken(string id, Guid? providerId = null, string? target = null) => new(
        OperatorActionNames.OnboardingTokenRenew, target ?? $"onboarding token {id}", new JsonObject { ["token_id"] = id }, ProviderId: providerId);

    /// <param name="id">The token's id: the 8 characters before '@'.</param>
    public static OperatorActionRequest RevokeOnboardingToken(string id, Guid? providerId = null, string? target = null) => new(
        OperatorActionNames.OnboardingTokenRevoke, target ?? $"onboarding token {id}", new JsonObject { ["token_id"] = id }, ProviderId: providerId);

    public static OperatorActionRequest SaveServiceHours(ServiceHoursDocument document, long expectedVersion, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new(OperatorActionNames.ServiceHoursEdit, target ?? "the bank's service hours",
            new JsonObject { ["op"] = "save", ["expected_version"] = expectedVersion, ["document"] = document.ToJson() });
    }

    public static OperatorActionRequest RevertServiceHours(long expectedVersion, string? target = null) => new(
        OperatorActionNames.ServiceHoursEdit, target ?? "the bank's service hours (back to configuration)",
        new JsonObject { ["op"] = "revert", ["expected_version"] = expectedVersion });

    /// <summary>Whether <paramref name="action"/> is one this executor runs.</summary>
    public static bool Handles(string action) => action is OperatorActionNames.ProviderSuspend or OperatorActionNames.ProviderReinstate
        or OperatorActionNames.EditChainedRecipients or OperatorActionNames.OnboardingTokenIssue or OperatorActionNames.OnboardingTokenRenew
        or OperatorActionNames.OnboardingTokenRevoke or OperatorActionNames.ServiceHoursEdit;

    /// <summary>
    /// Runs an approved request as <paramref name="actor"/> (normally the approver) with
    /// <see cref="PendingOperatorAction.ExecutionReason"/>. Prefer <see cref="OperatorActions.ApproveAsync"/>, which
    /// also makes execution at most once.
    /// </summary>
    public async Task<ProviderActionOutcome> ExecuteAsync(OperatorActor actor, PendingOperatorAction approved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approved);
        if (approved.Status != PendingActionStatus.Approved)
        {
            throw new OperationRefusedException("invalid_request", "Only an approved request is executed.");
        }

        return await Prepare(approved.Action, approved.Payload)(actor, approved.ExecutionReason, cancellationToken);
    }

    /// <summary>Reads <paramref name="payload"/> (invalid_request when something is missing) and returns how to run it.</summary>
    internal Func<OperatorActor, string, CancellationToken, Task<ProviderActionOutcome>> Prepare(string action, JsonObject payload)
    {
        switch (action)
        {
            case OperatorActionNames.ProviderSuspend:
            {
                var providerId = ActionPayload.Id(payload, "provider_id");
                var revokeRefresh = ActionPayload.Flag(payload, "revoke_refresh_tokens");
                return async (actor, reason, ct) =>
                    new(action, Suspension: await providers.SuspendAsync(actor, providerId, reason, revokeRefresh, ct));
            }

            case OperatorActionNames.ProviderReinstate:
            {
                var providerId = ActionPayload.Id(payload, "provider_id");
                return async (actor, reason, ct) => new(action, ReinstatedClients: await providers.ReinstateAsync(actor, providerId, reason, ct));
            }

            case OperatorActionNames.EditChainedRecipients:
            {
                var providerId = ActionPayload.Id(payload, "provider_id");
                switch (ActionPayload.Text(payload, "op"))
                {
                    case "add":
                    {
                        var input = Recipient(payload);
                        return async (actor, reason, ct) => new(action, Recipient: await providers.AddChainedRecipientAsync(actor, providerId, input, reason, ct));
                    }

                    case "change":
                    {
                        var recipientId = ActionPayload.Id(payload, "recipient_id");
                        var input = Recipient(payload);
                        return async (actor, reason, ct) =>
                            new(action, Recipient: await providers.ChangeChainedRecipientAsync(actor, providerId, recipientId, input, reason, ct));
                    }

                    case "remove":
                    {
                        var recipientId = ActionPayload.Id(payload, "recipient_id");
                        return async (actor, reason, ct) =>
                        {
                            await providers.RemoveChainedRecipientAsync(actor, providerId, recipientId, reason, ct);
                            return new ProviderActionOutcome(action);
                        };
                    }

                    default:
                        throw new OperationRefusedException("invalid_request", "The payload's 'op' is none of add, change, remove.");
                }
            }

            case OperatorActionNames.OnboardingTokenIssue:
            {
                var providerId = ActionPayload.Id(payload, "provider_id");
                var person = ActionPayload.Text(payload, "person_name");
                return async (actor, reason, ct) => new(action, IssuedToken: await onboarding.IssueAsync(actor, providerId, person, reason, ct));
            }

            case OperatorActionNames.OnboardingTokenRenew:
            {
                var id = ActionPayload.Text(payload, "token_id");
                return async (actor, reason, ct) => new(action, IssuedToken: await onboarding.RenewAsync(actor, id, reason, ct));
            }

            case OperatorActionNames.OnboardingTokenRevoke:
            {
                var id = ActionPayload.Text(payload, "token_id");
                return async (actor, reason, ct) => new(action, Token: await onboarding.RevokeAsync(actor, id, reason, ct));
            }

            case OperatorActionNames.ServiceHoursEdit:
            {
                var expected = ActionPayload.Number(payload, "expected_version");
                switch (ActionPayload.Text(payload, "op"))
                {
                    case "save":
                    {
                        ServiceHoursDocument document;
                        try
                        {
                            document = ServiceHoursDocument.FromJson(payload["document"]?.ToJsonString() ?? "null");
                        }
                        catch (FormatException e)
                        {
                            throw new OperationRefusedException("invalid_request", e.Message);
                        }

                        return async (actor, reason, ct) => new(action, ServiceHours: await serviceHours.SaveAsync(actor, document, expected, reason, ct));
                    }

                    case "revert":
                        return async (actor, reason, ct) => new(action, ServiceHours: await serviceHours.RevertToConfigurationAsync(actor, expected, reason, ct));

                    default:
                        throw new OperationRefusedException("invalid_request", "The payload's 'op' is neither save nor revert.");
                }
            }

            default:
                throw new OperationRefusedException("invalid_request", $"'{action}' is not a provider-side action.");
        }
    }

    private static JsonObject Recipient(JsonObject payload, ChainedRecipientInput? input)
    {
        payload["name"] = input?.Name;
        payload["name_ja"] = input?.NameJa;
        payload["purpose"] = input?.Purpose;
        payload["purpose_ja"] = input?.PurposeJa;
        return payload;
    }

    private static ChainedRecipientInput Recipient(JsonObject payload) => new(
        ActionPayload.OptionalText(payload, "name"), ActionPayload.OptionalText(payload, "name_ja"),
        ActionPayload.OptionalText(payload, "purpose"), ActionPayload.OptionalText(payload, "purpose_ja"));
}
