using BankLink.CoreBanking.Http;
using BankLink.CoreBanking.Resilience;
using BankLink.CoreBanking.Snapshots;
using BankLink.Domain.Time;
using BankLink.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BankLink.CoreBanking.Tests;

/// <summary>
/// DOMAIN.md "Service hours and data freshness": outside hours or while the core is down, a clear refusal with when to
/// retry, or the last-known data with its original as-of, as the bank configures. Snapshots in real PostgreSQL.
/// </summary>
public sealed class AccountDataReaderTests : IAsyncLifetime
{
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    private readonly SchemaDatabase _database = new();
    private CoreDouble _core = null!;

    /// <summary>Saturday 2026-11-21 12:00 in Japan.</summary>
    private readonly SettableTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, Jst));

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _core = await CoreDouble.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _core.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed class FixedHours(ServiceHours hours) : IServiceHoursSource
    {
        public ServiceHours Current => hours;
    }

    /// <summary>Closed Saturday 18:00 to Sunday 06:00; a maintenance window on Sunday 2026-11-29 01:00-05:00.</summary>
    private static ServiceHours Hours(OutsideHoursPolicy policy)
    {
        var options = new ServiceHoursOptions { Saturday = "00:00-18:00", Sunday = "06:00-24:00", OutsideHours = policy };
        options.Maintenance.Add(new MaintenanceWindowOptions
        {
            Start = new DateTimeOffset(2026, 11, 24, 1, 0, 0, Jst),
            End = new DateTimeOffset(2026, 11, 24, 5, 0, 0, Jst),
            Reason = "core system upgrade",
        });
        return ServiceHours.FromOptions(options);
    }

    private AccountDataReader Reader(CoreUnavailablePolicy whenUnavailable, OutsideHoursPolicy outsideHours, CoreSnapshotStore? store = null)
    {
        var options = new CoreBankingOptions
        {
            TotalTimeout = TimeSpan.FromSeconds(2),
            AttemptTimeout = TimeSpan.FromMilliseconds(1500),
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            WhenUnavailable = whenUnavailable,
            SnapshotInterval = TimeSpan.FromSeconds(60),
        };
        var gateway = new ResilientCoreBankingGateway(
            new HttpCoreBankingGateway(new HttpClient { BaseAddress = _core.BaseAddress, Timeout = Timeout.InfiniteTimeSpan }),
            options, _clock, NullLogger<ResilientCoreBankingGateway>.Instance);
        return new AccountDataReader(gateway, store ?? Store(), new FixedHours(Hours(outsideHours)), Microsoft.Extensions.Options.Options.Create(options), _clock);
    }

    private CoreSnapshotStore Store() => new(_database.DataSource, _clock, NullLogger<CoreSnapshotStore>.Instance);

    private Task<long> SnapshotsAsync() => _database.ScalarAsync<long>("SELECT count(*) FROM core_snapshots");

    [Fact]
    public async Task Defaults_FreshReadAndNothingRemembered()
    {
        var reader = Reader(CoreUnavailablePolicy.Refuse, OutsideHoursPolicy.Refuse);

        var read = await reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);

        Assert.False(read!.Stale);
        Assert.Null(read.StaleReasonName);
        Assert.Equal(CoreDouble.BalanceAsOf, read.AsOf);
        Assert.False(reader.RemembersSnapshots);
        Assert.Equal(0, await SnapshotsAsync());
    }

    [Fact]
    public async Task CoreDown_ServeLastKnown_SnapshotWithItsOriginalAsOfMarkedStale()
    {
        var reader = Reader(CoreUnavailablePolicy.ServeLastKnown, OutsideHoursPolicy.Refuse);
        var fresh = await reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        var firstPage = await reader.GetTransactionsAsync(CoreDouble.KnownAccount, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 20), null, 2, CancellationToken.None);
        Assert.False(fresh!.Stale);
        Assert.Equal(2, await SnapshotsAsync());

        _core.Behaviour = CoreBehaviour.Failing;
        _core.Balance = 1;
        _clock.Advance(TimeSpan.FromHours(1));
        var stale = await reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        var stalePage = await reader.GetTransactionsAsync(CoreDouble.KnownAccount, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 20), null, 2, CancellationToken.None);

        Assert.True(stale!.Stale);
        Assert.Equal(CoreUnavailableReason.Error, stale.StaleReason);
        Assert.Equal("core_error", stale.StaleReasonName);
        Assert.Equal(CoreDouble.BalanceAsOf, stale.AsOf);
        Assert.Equal(123_456, stale.Value.Balance);
        Assert.True(stalePage.Stale);
        Assert.Equal(firstPage.Value.Transactions, stalePage.Value.Transactions);
        Assert.Equal(firstPage.Value.Next, stalePage.Value.Next);
    }

    [Fact]
    public async Task CoreDown_ServeLastKnownButNoSnapshotOrALaterPage_Refused()
    {
        var reader = Reader(CoreUnavailablePolicy.ServeLastKnown, OutsideHoursPolicy.Refuse);
        await reader.GetTransactionsAsync(CoreDouble.KnownAccount, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 20), null, 2, CancellationToken.None);
        _core.Behaviour = CoreBehaviour.Slow;

        var noBalance = await Assert.ThrowsAsync<CoreUnavailableException>(() => reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));
        var laterPage = await Assert.ThrowsAsync<CoreUnavailableException>(() => reader.GetTransactionsAsync(
            CoreDouble.KnownAccount, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 20), new CoreTransactionKey(new DateOnly(2026, 11, 19), 11), 2, CancellationToken.None));

        Assert.Equal(CoreUnavailableReason.Timeout, noBalance.Reason);
        Assert.Equal(CoreUnavailableReason.Timeout, laterPage.Reason);
    }

    [Fact]
    public async Task CoreDown_Refuse_ReasonAndRetryAfterEvenWithASnapshot()
    {
        await Reader(CoreUnavailablePolicy.ServeLastKnown, OutsideHoursPolicy.Refuse).GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        _core.Behaviour = CoreBehaviour.Failing;

        var refused = await Assert.ThrowsAsync<CoreUnavailableException>(
            () => Reader(CoreUnavailablePolicy.Refuse, OutsideHoursPolicy.Refuse).GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));

        Assert.Equal(CoreUnavailableReason.Error, refused.Reason);
        Assert.NotNull(refused.RetryAfter);
    }

    [Fact]
    public async Task OutsideHours_Refuse_RetryAfterIsUntilTheNextOpeningAndTheCoreIsNotAsked()
    {
        var reader = Reader(CoreUnavailablePolicy.Refuse, OutsideHoursPolicy.Refuse);
        _clock.Set(new DateTimeOffset(2026, 11, 21, 23, 30, 0, Jst));

        var refused = await Assert.ThrowsAsync<CoreUnavailableException>(() => reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));

        Assert.Equal(CoreUnavailableReason.OutsideHours, refused.Reason);
        Assert.Equal("outside_hours", refused.ReasonName);
        Assert.Equal(TimeSpan.FromMinutes(390), refused.RetryAfter);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 6, 0, 0, Jst), refused.ReopensAt);
        Assert.Equal(0, _core.Requests);
    }

    [Fact]
    public async Task Maintenance_ReasonMaintenance()
    {
        var reader = Reader(CoreUnavailablePolicy.Refuse, OutsideHoursPolicy.Refuse);
        _clock.Set(new DateTimeOffset(2026, 11, 24, 2, 0, 0, Jst));

        var refused = await Assert.ThrowsAsync<CoreUnavailableException>(() => reader.GetAccountAsync(CoreDouble.KnownAccount, CancellationToken.None));

        Assert.Equal("maintenance", refused.ReasonName);
        Assert.Equal(TimeSpan.FromHours(3), refused.RetryAfter);
    }

    [Fact]
    public async Task OutsideHours_ServeLastKnown_StaleSnapshotWithoutAskingTheCore()
    {
        var reader = Reader(CoreUnavailablePolicy.Refuse, OutsideHoursPolicy.ServeLastKnown);
        var account = await reader.GetAccountAsync(CoreDouble.KnownAccount, CancellationToken.None);
        await reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        await reader.GetAccountsAsync("0000000001", CancellationToken.None);
        var asked = _core.Requests;
        _clock.Set(new DateTimeOffset(2026, 11, 21, 20, 0, 0, Jst));

        var balance = await reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        var staleAccount = await reader.GetAccountAsync(CoreDouble.KnownAccount, CancellationToken.None);
        var accounts = await reader.GetAccountsAsync("0000000001", CancellationToken.None);

        Assert.True(balance!.Stale);
        Assert.Equal("outside_hours", balance.StaleReasonName);
        Assert.Equal(CoreDouble.BalanceAsOf, balance.AsOf);
        Assert.Equal(account!.Value, staleAccount!.Value);
        Assert.Equal(account.AsOf, staleAccount.AsOf);
        Assert.True(accounts.Stale);
        Assert.Single(accounts.Value);
        Assert.Equal(asked, _core.Requests);
    }

    [Fact]
    public async Task Snapshots_WrittenAtMostOncePerIntervalAndNeverOverANewerAsOf()
    {
        var store = Store();
        var reader = Reader(CoreUnavailablePolicy.ServeLastKnown, OutsideHoursPolicy.Refuse, store);
        await reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        _core.Balance = 999;
        await reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        Assert.Equal(123_456, (await store.FindAsync<CoreBalance>(CoreSnapshotKinds.Balance, CoreDouble.KnownAccount.ToString(), "", CancellationToken.None))!.Value.Balance);

        _clock.Advance(TimeSpan.FromSeconds(61));
        await reader.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        Assert.Equal(999, (await store.FindAsync<CoreBalance>(CoreSnapshotKinds.Balance, CoreDouble.KnownAccount.ToString(), "", CancellationToken.None))!.Value.Balance);

        // An older answer (another node's late write) never replaces a newer one.
        await store.RememberAsync(CoreSnapshotKinds.Balance, CoreDouble.KnownAccount.ToString(), "",
            new CoreBalance(CoreDouble.KnownAccount, Domain.Accounts.AccountKind.Ordinary, 5, null, CoreDouble.BalanceAsOf.AddHours(-1)),
            CoreDouble.BalanceAsOf.AddHours(-1), TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(999, (await store.FindAsync<CoreBalance>(CoreSnapshotKinds.Balance, CoreDouble.KnownAccount.ToString(), "", CancellationToken.None))!.Value.Balance);
        Assert.Equal(1, await SnapshotsAsync());
    }
}
