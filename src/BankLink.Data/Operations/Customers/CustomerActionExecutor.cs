using System.Text.Json.Nodes;
using BankLink.CoreBanking.DemoLedger;
using BankLink.Data.Operations.FourEyes;
using BankLink.Domain.Accounts;

namespace BankLink.Data.Operations.Customers;

/// <summary>What executing an approved customer action did; the one member for its action is set.</summary>
public sealed record CustomerActionOutcome(
    string Action, LinkOperationResult? Links = null, OtpDeregistration? OtpToken = null, AccountStateRecord? Account = null);

/// <summary>
/// Four-eyes for the customer actions: builds the <see cref="OperatorActionRequest"/> of each (the payload names ids
/// only), and runs an approved request with the approver as the actor and
/// <see cref="PendingOperatorAction.ExecutionReason"/> as the reason. Provider, onboarding, service-hours and operator
/// actions have their own executors beside their operations.
/// </summary>
public sealed class CustomerActionExecutor(CustomerLinkOperations links, CustomerSecurityOperations security, AccountStateOperations accounts)
{
    public static OperatorActionRequest RevokeLink(Guid customerId, Guid grantId, string target) => new(
        OperatorActionNames.RevokeLink, target, new JsonObject { ["customer_id"] = customerId.ToString(), ["grant_id"] = grantId.ToString() }, customerId);

    public static OperatorActionRequest RemoveLinkAccount(Guid customerId, Guid grantId, Guid accountId, string target) => new(
        OperatorActionNames.RemoveLinkAccount, target,
        new JsonObject { ["customer_id"] = customerId.ToString(), ["grant_id"] = grantId.ToString(), ["account_id"] = accountId.ToString() }, customerId);

    public static OperatorActionRequest RevokeAllLinks(Guid customerId, string target) => new(
        OperatorActionNames.RevokeAllLinks, target, new JsonObject { ["customer_id"] = customerId.ToString() }, customerId);

    public static OperatorActionRequest LiftStop(Guid customerId, string target) => new(
        OperatorActionNames.LiftStop, target, new JsonObject { ["customer_id"] = customerId.ToString() }, customerId);

    public static OperatorActionRequest DeregisterOtpToken(Guid customerId, string serialNumber, string target) => new(
        OperatorActionNames.DeregisterOtpToken, target, new JsonObject { ["customer_id"] = customerId.ToString(), ["serial_number"] = serialNumber }, customerId);

    public static OperatorActionRequest RecordAccountClosure(Guid customerId, Guid accountId, AccountStatus newStatus, string target) => new(
        OperatorActionNames.RecordAccountClosure, target,
        new JsonObject { ["customer_id"] = customerId.ToString(), ["account_id"] = accountId.ToString(), ["status"] = LedgerNames.Status(newStatus) }, customerId);

    /// <summary>Whether <paramref name="action"/> is one this executor runs.</summary>
    public static bool Handles(string action) => action is OperatorActionNames.RevokeLink or OperatorActionNames.RemoveLinkAccount
        or OperatorActionNames.RevokeAllLinks or OperatorActionNames.LiftStop or OperatorActionNames.DeregisterOtpToken or OperatorActionNames.RecordAccountClosure;

    /// <summary>
    /// Runs an approved request as <paramref name="actor"/> (normally the approver). The operation checks the role,
    /// the reason and the target again, so a request approved against a target that changed meanwhile is refused as
    /// the operation would refuse it (a link ended in between is <c>not_found</c>).
    /// </summary>
    public async Task<CustomerActionOutcome> ExecuteAsync(OperatorActor actor, PendingOperatorAction approved, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approved);
        if (approved.Status != PendingActionStatus.Approved)
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, "Only an approved request is executed.");
        }

        var payload = approved.Payload;
        var customerId = Id(payload, "customer_id");
        var reason = approved.ExecutionReason;
        return approved.Action switch
        {
            OperatorActionNames.RevokeLink => new(approved.Action,
                Links: await links.RevokeLinkAsync(actor, customerId, Id(payload, "grant_id"), reason, cancellationToken)),
            OperatorActionNames.RemoveLinkAccount => new(approved.Action,
                Links: await links.RemoveLinkAccountAsync(actor, customerId, Id(payload, "grant_id"), Id(payload, "account_id"), reason, cancellationToken)),
            OperatorActionNames.RevokeAllLinks => new(approved.Action,
                Links: await links.RevokeAllLinksAsync(actor, customerId, reason, cancellationToken)),
            OperatorActionNames.LiftStop => await LiftStopAsync(actor, customerId, reason, cancellationToken),
            OperatorActionNames.DeregisterOtpToken => new(approved.Action,
                OtpToken: await security.DeregisterOtpDeviceAsync(actor, customerId, Text(payload, "serial_number"), reason, cancellationToken)),
            OperatorActionNames.RecordAccountClosure => new(approved.Action,
                Account: await accounts.RecordAsync(actor, customerId, Id(payload, "account_id"), LedgerNames.ParseStatus(Text(payload, "status")), reason, cancellationToken)),
            _ => throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"'{approved.Action}' is not a customer action."),
        };
    }

    private async Task<CustomerActionOutcome> LiftStopAsync(OperatorActor actor, Guid customerId, string reason, CancellationToken cancellationToken)
    {
        await security.LiftStopAsync(actor, customerId, reason, cancellationToken);
        return new CustomerActionOutcome(OperatorActionNames.LiftStop);
    }

    private static Guid Id(JsonObject payload, string name) => Guid.TryParse(Text(payload, name), out var id)
        ? id
        : throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"The request's payload has no valid '{name}'.");

    private static string Text(JsonObject payload, string name) => payload[name] is JsonValue value && value.TryGetValue<string>(out var text)
        ? text
        : throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"The request's payload has no '{name}'.");
}
