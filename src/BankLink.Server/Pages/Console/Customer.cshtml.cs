using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.FourEyes;
using BankLink.Domain.Accounts;
using BankLink.Domain.Operators;
using BankLink.Domain.Otp;
using Microsoft.AspNetCore.Mvc;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// One customer (issue 6): identity, lock state, registration for linking, accounts (masked), active and recently ended
/// links, OTP tokens and recent security events (any role), and the operator's actions on them: revoke a link, remove
/// one account of a link, revoke all links, lift a stop, deregister an OTP token, record an account's closure or stop.
/// Every action goes through <see cref="OperatorActions"/> (four-eyes where the bank configured it) with a reason.
/// </summary>
public sealed class ConsoleCustomerModel(CustomerDirectory directory, OperatorActions actions, FourEyesQueue queue) : ConsolePageModel
{
    [BindProperty(Name = "id", SupportsGet = true)]
    public Guid CustomerId { get; set; }

    [BindProperty(Name = "grant")]
    public Guid? GrantId { get; set; }

    [BindProperty(Name = "account")]
    public Guid? AccountId { get; set; }

    [BindProperty(Name = "serial")]
    public string? Serial { get; set; }

    /// <summary><c>closed</c> or <c>frozen</c>.</summary>
    [BindProperty(Name = "status")]
    public string? AccountStatusName { get; set; }

    /// <summary>Null when the customer could not be read (unknown id: the page says so with 404).</summary>
    public CustomerOverview? Customer { get; private set; }

    /// <summary>Four-eyes requests about this customer waiting for a decision.</summary>
    public IReadOnlyList<PendingOperatorAction> Pending { get; private set; } = [];

    public bool CanAct => Allows(OperatorRole.Operator);

    public bool NeedsApproval(string action) => actions.RequiresApproval(action);

    public int ActiveTokenCount => Customer?.OtpDevices.Count(d => d.Status == OtpDeviceStatus.Active) ?? 0;

    public override string? Done => DoneCode switch
    {
        "link-revoked" => "The link was revoked: its tokens stopped working at once.",
        "account-removed" => "The account was removed from the link; the provider keeps the link's other accounts.",
        "link-ended" => "The account was the link's last: the link ended and its tokens stopped working at once.",
        "all-links-revoked" => "Every active link of the customer was revoked: their tokens stopped working at once.",
        "no-links" => "The customer had no active link: nothing changed.",
        "stop-lifted" => "The stop (利用中止) was lifted: the customer can log in again and the failure counter is at zero.",
        "token-deregistered" => "The OTP token was deregistered: its codes no longer count.",
        "token-deregistered-last" => "The OTP token was deregistered. It was the customer's last active token: they cannot log in until a new token is registered for them.",
        "account-recorded" => "The account's state was recorded: it left every link naming it, and links left without an account ended.",
        _ => null,
    };

    public Task<IActionResult> OnGetAsync() => LoadPageAsync(LoadAsync);

    public Task<IActionResult> OnPostRevokeLinkAsync() => ChangeAsync(OperatorRole.Operator, Back, "link-revoked", async (actor, reason) =>
    {
        var link = await LinkAsync();
        return await actions.RunAsync(actor, CustomerActionExecutor.RevokeLink(CustomerId, link.GrantId,
            $"link of {Customer!.Customer.LoginId} with {link.ProviderName} ({link.ClientId})"), reason, Aborted);
    }, LoadAsync);

    public Task<IActionResult> OnPostRemoveAccountAsync() => ChangeAsync(OperatorRole.Operator, Back,
        outcome => outcome.Result is CustomerActionOutcome { Links.LinksRevoked.Count: > 0 } ? "link-ended" : "account-removed",
        async (actor, reason) =>
        {
            var link = await LinkAsync();
            var account = link.Accounts.FirstOrDefault(a => a.Id == AccountId)
                ?? throw new OperationRefusedException("not_found", "The link does not name that account.");
            return await actions.RunAsync(actor, CustomerActionExecutor.RemoveLinkAccount(CustomerId, link.GrantId, account.Id,
                $"account {account.MaskedNumber} in the link of {Customer!.Customer.LoginId} with {link.ProviderName}"), reason, Aborted);
        }, LoadAsync);

    public Task<IActionResult> OnPostRevokeAllAsync() => ChangeAsync(OperatorRole.Operator, Back,
        outcome => outcome.Result is CustomerActionOutcome { Links.LinksRevoked.Count: 0 } ? "no-links" : "all-links-revoked",
        async (actor, reason) =>
        {
            var customer = await ReadCustomerAsync();
            return await actions.RunAsync(actor, CustomerActionExecutor.RevokeAllLinks(CustomerId, $"all links of {customer.Customer.LoginId}"), reason, Aborted);
        }, LoadAsync);

    public Task<IActionResult> OnPostLiftStopAsync() => ChangeAsync(OperatorRole.Operator, Back, "stop-lifted", async (actor, reason) =>
    {
        var customer = await ReadCustomerAsync();
        return await actions.RunAsync(actor, CustomerActionExecutor.LiftStop(CustomerId, $"the stop of {customer.Customer.LoginId}"), reason, Aborted);
    }, LoadAsync);

    public Task<IActionResult> OnPostDeregisterTokenAsync() => ChangeAsync(OperatorRole.Operator, Back,
        outcome => outcome.Result is CustomerActionOutcome { OtpToken.CustomerCannotLogIn: true } ? "token-deregistered-last" : "token-deregistered",
        async (actor, reason) =>
        {
            var customer = await ReadCustomerAsync();
            var serial = SerialNumber.Normalize(Serial) ?? throw new OperationRefusedException("invalid_request", "A serial number is 10 digits.");
            return await actions.RunAsync(actor, CustomerActionExecutor.DeregisterOtpToken(CustomerId, serial,
                $"OTP token {serial} of {customer.Customer.LoginId}"), reason, Aborted);
        }, LoadAsync);

    public Task<IActionResult> OnPostRecordAccountAsync() => ChangeAsync(OperatorRole.Operator, Back, "account-recorded", async (actor, reason) =>
    {
        var status = AccountStatusName switch
        {
            "closed" => AccountStatus.Closed,
            "frozen" => AccountStatus.Frozen,
            _ => throw new OperationRefusedException("invalid_request", "Choose what to record: closed (解約) or stopped (凍結)."),
        };
        var customer = await ReadCustomerAsync();
        var account = customer.Accounts.FirstOrDefault(a => a.Id == AccountId && a.KnownToCore)
            ?? throw new OperationRefusedException("not_found", "The customer has no account with that id.");
        return await actions.RunAsync(actor, CustomerActionExecutor.RecordAccountClosure(CustomerId, account.Id, status,
            $"account {account.BranchCode}-{account.MaskedNumber} of {customer.Customer.LoginId} as {(status == AccountStatus.Closed ? "closed" : "stopped")}"),
            reason, Aborted);
    }, LoadAsync);

    private string Back => $"/console/customers/{CustomerId:D}";

    /// <summary>The active link the form names, from the page's data: not_found for another customer's or an ended link.</summary>
    private async Task<OverviewLink> LinkAsync()
    {
        var customer = await ReadCustomerAsync();
        return customer.ActiveLinks.FirstOrDefault(l => l.GrantId == GrantId)
            ?? throw new OperationRefusedException("not_found", "The customer has no active link with that id.");
    }

    /// <summary>The page's data: the customer and the four-eyes requests about them.</summary>
    private async Task LoadAsync()
    {
        await ReadCustomerAsync();
        Pending = [.. (await queue.ListPendingAsync(Operator, Aborted)).Where(p => p.CustomerId == CustomerId)];
    }

    /// <summary>The customer alone, all an action needs (it answers with a redirect, so the four-eyes list is not read).</summary>
    private async Task<CustomerOverview> ReadCustomerAsync()
    {
        Customer = null;
        return Customer = await directory.GetOverviewAsync(Operator, CustomerId, Aborted);
    }
}
