using BankLink.CoreBanking;
using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Accounts;
using Microsoft.Extensions.Options;

namespace BankLink.Data.Tests.Operations;

/// <summary>An operator records an account closure or stop: the account leaves every permission at once; a permission left with no account ends.</summary>
public sealed class AccountStateOperationsTests : OperationsTestBase
{
    private AccountStateOperations Accounts => Get<AccountStateOperations>();

    private Task<string> LedgerStatusAsync(Guid accountId) => Database.ScalarAsync<string>("SELECT status FROM ledger.accounts WHERE id = $1", accountId);

    private static CoreAccount Numbered(IReadOnlyList<CoreAccount> accounts, string number) => accounts.Single(a => a.AccountNumber == number);

    [Fact]
    public async Task Closed_LedgerMarkedClosed_LeavesTheLinks_EndsALinkLeftEmpty_AuditedWithReason()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (ordinary, savings) = (Numbered(accounts, "0123456").Id, Numbered(accounts, "0234567").Id);
        var client = await ClientAsync();
        var keeps = await GrantAsync(client, tanaka, ordinary, savings);
        var empties = await GrantAsync(client, tanaka, ordinary);

        var result = await Accounts.RecordAsync(Operator, tanaka, ordinary, AccountStatus.Closed, Reason, CancellationToken.None);

        Assert.True(result.CoreUpdated);
        Assert.Equal(new[] { keeps, empties }.Order(), result.LinksChanged.Order());
        Assert.Equal([empties], result.LinksEnded);
        Assert.Equal("closed", await LedgerStatusAsync(ordinary));
        Assert.Equal(new DateOnly(2026, 11, 21), await Database.ScalarAsync<DateOnly>("SELECT closed_on FROM ledger.accounts WHERE id = $1", ordinary));
        Assert.Equal(AccountStatus.Closed, (await Get<ICoreBankingGateway>().GetAccountAsync(ordinary, CancellationToken.None))!.Status);
        Assert.Equal(("active", 1L, 2L), (await GrantStatusAsync(keeps), await AccountsOfAsync(keeps), await LiveTokensAsync(keeps)));
        Assert.Equal(("revoked", 0L), (await GrantStatusAsync(empties), await LiveTokensAsync(empties)));
        var closed = Assert.Single(await EventsAsync(AuditEventTypes.AccountClosed));
        Assert.Equal(("operator", "operator1", Reason), (closed.ActorKind, closed.ActorId, ReasonOf(closed.Detail)));
        Assert.All(await EventsAsync(AuditEventTypes.LinkAccountRemoved), e => Assert.Equal(("operator", "operator1"), (e.ActorKind, e.ActorId)));
        Assert.Single(await EventsAsync(AuditEventTypes.LinkEnded));

        await RefusedAsync("conflict", () => Accounts.RecordAsync(Operator, tanaka, ordinary, AccountStatus.Closed, Reason, CancellationToken.None));
        await RefusedAsync("conflict", () => Accounts.RecordAsync(Operator, tanaka, ordinary, AccountStatus.Frozen, Reason, CancellationToken.None));
        Assert.Single(await EventsAsync(AuditEventTypes.AccountClosed));
        Assert.True((await Get<AuditVerifier>().VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task Frozen_NoLinkNamesIt_LedgerFrozen_OperatorsRecordAudited_ThenClosable()
    {
        var (suzuki, accounts) = await CustomerAsync("suzuki02");
        var account = Numbered(accounts, "2233445").Id;

        var frozen = await Accounts.RecordAsync(Operator, suzuki, account, AccountStatus.Frozen, Reason, CancellationToken.None);

        Assert.True(frozen.CoreUpdated);
        Assert.Empty(frozen.LinksChanged);
        Assert.Equal("frozen", await LedgerStatusAsync(account));
        Assert.True(await Database.ScalarAsync<bool>("SELECT closed_on IS NULL FROM ledger.accounts WHERE id = $1", account));
        var stopped = Assert.Single(await EventsAsync(AuditEventTypes.AccountStopped));
        Assert.Equal(("operator", "operator1", Reason), (stopped.ActorKind, stopped.ActorId, ReasonOf(stopped.Detail)));

        await RefusedAsync("conflict", () => Accounts.RecordAsync(Operator, suzuki, account, AccountStatus.Frozen, Reason, CancellationToken.None));
        var closed = await Accounts.RecordAsync(Operator, suzuki, account, AccountStatus.Closed, Reason, CancellationToken.None);
        Assert.True(closed.CoreUpdated);
        Assert.Equal("closed", await LedgerStatusAsync(account));
    }

    [Fact]
    public async Task Refusals_NothingChanges()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (_, suzukiAccounts) = await CustomerAsync("suzuki02");
        var ordinary = Numbered(accounts, "0123456").Id;
        var grant = await GrantAsync(await ClientAsync(), tanaka, ordinary);
        var events = await AuditCountAsync();

        await RefusedAsync("forbidden", () => Accounts.RecordAsync(Viewer, tanaka, ordinary, AccountStatus.Closed, Reason, CancellationToken.None));
        await RefusedAsync("invalid_reason", () => Accounts.RecordAsync(Operator, tanaka, ordinary, AccountStatus.Closed, "no", CancellationToken.None));
        await RefusedAsync("invalid_request", () => Accounts.RecordAsync(Operator, tanaka, ordinary, AccountStatus.Open, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Accounts.RecordAsync(Operator, tanaka, suzukiAccounts[0].Id, AccountStatus.Closed, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Accounts.RecordAsync(Operator, tanaka, Guid.NewGuid(), AccountStatus.Closed, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Accounts.RecordAsync(Operator, Guid.NewGuid(), ordinary, AccountStatus.Closed, Reason, CancellationToken.None));

        Assert.Equal("open", await LedgerStatusAsync(ordinary));
        Assert.Equal(("active", 1L), (await GrantStatusAsync(grant), await AccountsOfAsync(grant)));
        Assert.Equal(events, await AuditCountAsync());
    }

    [Fact]
    public async Task RealCore_NeverWritten_OnlyTheLinksChange()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var ordinary = Numbered(accounts, "0123456").Id;
        var grant = await GrantAsync(await ClientAsync(), tanaka, ordinary);
        var httpCore = Options.Create(new CoreBankingOptions { Mode = CoreBankingMode.Http, BaseAddress = new Uri("https://core.invalid/") });
        var operations = new AccountStateOperations(Database.DataSource, Get<ICoreBankingGateway>(), Get<AccountStateChanges>(), Get<AuditTrail>(), httpCore, Clock);

        var result = await operations.RecordAsync(Operator, tanaka, ordinary, AccountStatus.Closed, Reason, CancellationToken.None);

        Assert.False(result.CoreUpdated);
        Assert.Equal([grant], result.LinksEnded);
        Assert.Equal("open", await LedgerStatusAsync(ordinary));
        Assert.Single(await EventsAsync(AuditEventTypes.AccountClosed));
    }
}
