using BankLink.Data.Links;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.DemoBank;
using BankLink.Domain.Accounts;
using BankLink.Domain.Customers;
using BankLink.Domain.Operators;
using BankLink.Domain.Otp;

namespace BankLink.Data.Tests.Operations;

/// <summary>Finding a customer and the customer page: what a viewer may see, never a full account number or a seed.</summary>
public sealed class CustomerDirectoryTests : OperationsTestBase
{
    private CustomerDirectory Directory => Get<CustomerDirectory>();

    private async Task<IReadOnlyList<string>> LoginsFoundAsync(CustomerSearchBy by, string term) =>
        [.. (await Directory.SearchAsync(Viewer, by, term, CancellationToken.None)).Select(c => c.LoginId)];

    [Theory]
    [InlineData("tanaka01")]
    [InlineData("TANAKA01")]
    [InlineData("  Tanaka01 ")]
    [InlineData("ｔａｎａｋａ０１")]
    public async Task Search_ByLoginId_ExactRegardlessOfCaseAndWidth(string term)
    {
        var found = Assert.Single(await Directory.SearchAsync(Viewer, CustomerSearchBy.LoginId, term, CancellationToken.None));

        Assert.Equal(("tanaka01", "田中 一郎", CustomerStatus.Active), (found.LoginId, found.DisplayName, found.Status));
    }

    [Fact]
    public async Task Search_ByLoginId_PrefixIsNoMatch()
    {
        Assert.Empty(await LoginsFoundAsync(CustomerSearchBy.LoginId, "tanaka"));
        Assert.Empty(await LoginsFoundAsync(CustomerSearchBy.LoginId, "tanaka0%"));
    }

    [Fact]
    public async Task Search_ByCustomerNumber_Exact()
    {
        var (tanaka, _) = await CustomerAsync("tanaka01");
        var number = await Database.ScalarAsync<string>("SELECT customer_number FROM customers WHERE id = $1", tanaka);

        Assert.Equal(["tanaka01"], await LoginsFoundAsync(CustomerSearchBy.CustomerNumber, number));
        Assert.Empty(await LoginsFoundAsync(CustomerSearchBy.CustomerNumber, number[..^1]));
    }

    [Theory]
    [InlineData("001-0123456")]
    [InlineData("001 0123456")]
    [InlineData("0010123456")]
    [InlineData("0123456")]
    [InlineData("００１－０１２３４５６")]
    public async Task Search_ByAccountNumber_WithOrWithoutBranch(string term)
    {
        Assert.Equal(["tanaka01"], await LoginsFoundAsync(CustomerSearchBy.AccountNumber, term));
    }

    [Fact]
    public async Task Search_ByAccountNumber_WrongBranchOrUnknown_NoMatch()
    {
        Assert.Empty(await LoginsFoundAsync(CustomerSearchBy.AccountNumber, "002-0123456"));
        Assert.Empty(await LoginsFoundAsync(CustomerSearchBy.AccountNumber, "7654321"));
    }

    [Theory]
    [InlineData(CustomerSearchBy.LoginId, "")]
    [InlineData(CustomerSearchBy.CustomerNumber, "12a")]
    [InlineData(CustomerSearchBy.CustomerNumber, "12345678901")]
    [InlineData(CustomerSearchBy.AccountNumber, "123456")]
    [InlineData(CustomerSearchBy.AccountNumber, "01-0123456")]
    [InlineData((CustomerSearchBy)9, "x")]
    public async Task Search_MalformedTerm_InvalidRequest(CustomerSearchBy by, string term)
    {
        await RefusedAsync("invalid_request", () => Directory.SearchAsync(Viewer, by, term, CancellationToken.None));
    }

    [Fact]
    public async Task Search_WithoutARole_Forbidden_RealCoreWithoutSearch_SaysSo()
    {
        await RefusedAsync("forbidden", () => Directory.SearchAsync(new OperatorActor(Guid.NewGuid(), "nobody", 0), CustomerSearchBy.LoginId, "tanaka01", CancellationToken.None));
        await RefusedAsync("forbidden", () => Directory.GetOverviewAsync(new OperatorActor(Guid.NewGuid(), "nobody", 0), Guid.NewGuid(), CancellationToken.None));
        await RefusedAsync("invalid_request", () => new UnavailableAccountSearch().FindByNumberAsync(null, "0123456", CancellationToken.None));
    }

    [Fact]
    public async Task Overview_UnknownCustomer_NotFound()
    {
        await RefusedAsync("not_found", () => Directory.GetOverviewAsync(Viewer, Guid.NewGuid(), CancellationToken.None));
    }

    [Fact]
    public async Task Overview_EverythingAboutTheCustomer_MaskedAndWithoutSecrets()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (ordinary, savings) = (accounts.Single(a => a.AccountNumber == "0123456").Id, accounts.Single(a => a.AccountNumber == "0234567").Id);
        var client = await ClientAsync("家計簿アプリ");
        var active = await GrantAsync(client, tanaka, ordinary, savings);
        var revoked = await GrantAsync(client, tanaka, savings);
        await Get<CustomerLinkOperations>().RevokeLinkAsync(Operator, tanaka, revoked, Reason, CancellationToken.None);
        var expired = await GrantAsync(client, tanaka, ordinary);
        await Database.ExecuteAsync("UPDATE grants SET created_at = $2 - interval '10 days', expires_at = $2 - interval '3 days' WHERE id = $1", expired, Clock.GetUtcNow());
        var longAgo = await GrantAsync(client, tanaka, ordinary);
        await Database.ExecuteAsync("UPDATE grants SET created_at = $2 - interval '200 days', expires_at = $2 - interval '100 days' WHERE id = $1", longAgo, Clock.GetUtcNow());
        await Database.ExecuteAsync("UPDATE customers SET consecutive_failures = 2 WHERE id = $1", tanaka);

        var overview = await Directory.GetOverviewAsync(Viewer, tanaka, CancellationToken.None);

        Assert.Equal(("tanaka01", CustomerStatus.Active, 2, (DateTimeOffset?)null),
            (overview.Customer.LoginId, overview.Customer.Status, overview.ConsecutiveFailures, overview.StoppedAt));
        Assert.Equal(RegistrationState.Valid, overview.Registration.State);
        Assert.Equal(Registrations.RegistrationTerms.CurrentVersion, overview.Registration.TermsVersion);
        Assert.Equal(3, overview.Registration.Accounts.Count);
        Assert.True(overview.CoreAvailable);
        Assert.Equal(4, overview.Accounts.Count);
        Assert.All(overview.Accounts, a => Assert.Matches(@"^\*\*\*[0-9]{4}$", a.MaskedNumber));
        var timeDeposit = overview.Accounts.Single(a => a.MaskedNumber == "***6789");
        Assert.Equal((NotLinkableReason.KindNotOffered, false), (timeDeposit.NotLinkableReason, timeDeposit.IsRegistered));

        var link = Assert.Single(overview.ActiveLinks);
        Assert.Equal((active, "家計簿アプリ", client), (link.GrantId, link.ClientName, link.ClientId));
        Assert.Equal(SandboxProvider.Id, link.ProviderId);
        Assert.Equal(["***3456", "***4567"], link.Accounts.Select(a => a.MaskedNumber).Order());
        Assert.Equal([LinkFunction.Balance, LinkFunction.Transactions], link.Functions);
        Assert.Null(link.Ending);

        Assert.Equal(2, overview.EndedLinks.Count);
        var ended = overview.EndedLinks.Single(l => l.GrantId == revoked);
        Assert.Equal((LinkEnding.Revoked, CustomerLinkOperations.RevokedByOperator), (ended.Ending, ended.EndReason));
        var ran = overview.EndedLinks.Single(l => l.GrantId == expired);
        Assert.Equal((LinkEnding.Expired, (DateTimeOffset?)Clock.GetUtcNow().AddDays(-3)), (ran.Ending, ran.EndedAt));
        Assert.DoesNotContain(overview.EndedLinks, l => l.GrantId == longAgo);

        var device = Assert.Single(overview.OtpDevices);
        Assert.Equal(("9000000001", OtpDeviceStatus.Active), (device.SerialNumber, device.Status));
        Assert.DoesNotContain(typeof(Otp.OtpDeviceSummary).GetProperties(), p => p.Name.Contains("Seed", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(overview.RecentEvents, e => e.EventType == "link_revoked" && e.GrantId == revoked);
    }

    [Fact]
    public async Task Overview_ExpiredRegistration_AndAStoppedCustomer()
    {
        var (watanabe, _) = await CustomerAsync("watanabe05");
        await Database.ExecuteAsync("UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = $2 WHERE id = $1", watanabe, Clock.GetUtcNow());
        Clock.Advance(TimeSpan.FromDays(400));

        var overview = await Directory.GetOverviewAsync(Viewer, watanabe, CancellationToken.None);

        Assert.Equal(CustomerStatus.Stopped, overview.Customer.Status);
        Assert.Equal(5, overview.ConsecutiveFailures);
        Assert.NotNull(overview.StoppedAt);
        Assert.Equal(RegistrationState.Expired, overview.Registration.State);
        Assert.All(overview.Registration.Accounts, a => Assert.False(a.IsRegistered));
        Assert.Contains(overview.Accounts, a => a.Status == AccountStatus.Frozen && a.NotLinkableReason == NotLinkableReason.Frozen);
    }

    [Fact]
    public async Task Overview_AnAccountTheCoreDoesNotKnow_ShownByIdOnly()
    {
        var (ito, _) = await CustomerAsync("ito06");
        var unknown = Guid.NewGuid();
        await GrantAsync(await ClientAsync(), ito, unknown);

        var overview = await Directory.GetOverviewAsync(Viewer, ito, CancellationToken.None);

        var account = Assert.Single(Assert.Single(overview.ActiveLinks).Accounts);
        Assert.Equal((unknown, false, "***"), (account.Id, account.KnownToCore, account.MaskedNumber));
    }

    [Fact]
    public async Task Overview_CoreDown_StillShowsLinksByAccountIdAndEverythingElse()
    {
        var (ito, accounts) = await CustomerAsync("ito06");
        await GrantAsync(await ClientAsync(), ito, accounts[0].Id);
        var directory = new CustomerDirectory(Database.DataSource, new CoreDown(), Get<ICoreAccountSearch>(), Get<Otp.OtpDeviceStore>(), Get<Audit.AuditTrail>(), Clock);

        var overview = await directory.GetOverviewAsync(Viewer, ito, CancellationToken.None);

        Assert.False(overview.CoreAvailable);
        Assert.Empty(overview.Accounts);
        var account = Assert.Single(Assert.Single(overview.ActiveLinks).Accounts);
        Assert.Equal((accounts[0].Id, false), (account.Id, account.KnownToCore));
        Assert.Equal(RegistrationState.Valid, overview.Registration.State);
        Assert.True(Assert.Single(overview.ActiveLinks).Accounts[0].IsRegistered);
        Assert.Single(overview.OtpDevices);
    }

    private sealed class CoreDown : CoreBanking.ICoreBankingGateway
    {
        public Task<IReadOnlyList<CoreBanking.CoreAccount>> GetAccountsAsync(string customerNumber, CancellationToken cancellationToken) =>
            throw new CoreBanking.CoreUnavailableException(CoreBanking.CoreUnavailableReason.CircuitOpen, TimeSpan.FromSeconds(15));

        public Task<CoreBanking.CoreAccount?> GetAccountAsync(Guid accountId, CancellationToken cancellationToken) => throw new CoreBanking.CoreUnavailableException();

        public Task<CoreBanking.CoreBalance?> GetBalanceAsync(Guid accountId, CancellationToken cancellationToken) => throw new CoreBanking.CoreUnavailableException();

        public Task<CoreBanking.CoreTransactionPage> GetTransactionsAsync(
            Guid accountId, DateOnly from, DateOnly to, CoreBanking.CoreTransactionKey? after, int limit, CancellationToken cancellationToken) =>
            throw new CoreBanking.CoreUnavailableException();
    }
}
