using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Dashboard;
using BankLink.Protocol.Stores;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using static BankLink.Data.Tests.Operations.Providers.ProviderTestData;

namespace BankLink.Data.Tests.Operations.Dashboard;

/// <summary>The dashboard's hourly and daily buckets over known data, after the tokens' roll-up and pruning.</summary>
public sealed class DashboardStatisticsTests : ServicesOverDatabase<DemoBankDatabase>
{
    /// <summary>Saturday 2026-11-21 12:30 Japan time.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 3, 30, 0, TimeSpan.Zero);

    private DashboardStatistics Dashboard => Services.GetRequiredService<DashboardStatistics>();

    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    private async Task StoppedAsync(DateTimeOffset at, Guid customerId)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Services.GetRequiredService<AuditTrail>().AppendAsync(connection, transaction,
            new AuditEvent("customer_stopped", at, AuditActorKinds.System, null, CustomerId: customerId), CancellationToken.None);
        await transaction.CommitAsync();
    }

    /// <summary>Tokens, links, lockouts, requests and refusals at known times; the tokens before this hour rolled up, then pruned.</summary>
    private async Task ArrangeAsync()
    {
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT (SELECT count(*) FROM grants) + (SELECT count(*) FROM tokens) + (SELECT count(*) FROM audit_events WHERE event_type = 'customer_stopped')"));
        Clock.Set(Now);
        var client = await ClientAsync(Database);
        var tokens = Services.GetRequiredService<ITokenStore>();
        foreach (var at in new[] { Utc(21, 3, 20), Utc(21, 2, 0), Utc(21, 2, 59), Utc(20, 2, 30), Utc(18, 3, 30) })
        {
            await TokenAsync(tokens, client, null, StoredTokenKind.AccessToken, at, TimeSpan.FromMinutes(5));
        }

        await TokenAsync(tokens, client, null, StoredTokenKind.RefreshToken, Utc(21, 2, 0), TimeSpan.FromDays(90));

        var customer = await CustomerAsync(Database);
        await GrantAsync(Database, client, customer, Utc(19, 21, 30), Now.AddDays(90));
        await GrantAsync(Database, client, customer, Utc(20, 7, 30), Now.AddDays(90), revokedAt: Utc(21, 1, 30));
        await GrantAsync(Database, client, customer, Now.AddDays(-40), Utc(20, 22, 30));
        await GrantAsync(Database, client, customer, Utc(21, 3, 20), Now.AddDays(90));

        await StoppedAsync(Utc(21, 2, 30), customer);
        await StoppedAsync(Utc(20, 1, 30), await CustomerAsync(Database, "suzuki02"));

        var counter = Services.GetRequiredService<RefusalCounter>();
        Clock.Set(Utc(20, 3, 30));
        counter.Record(null, RefusalReason.Other);
        for (var i = 0; i < 3; i++)
        {
            counter.RecordRequest(client);
        }

        Clock.Set(Now);
        counter.Record(client, RefusalReason.Expired);
        counter.Record(client, RefusalReason.Expired);
        counter.Record(client, RefusalReason.ConsentEnded);
        for (var i = 0; i < 5; i++)
        {
            counter.RecordRequest(client);
        }

        await counter.FlushAsync(CancellationToken.None);

        // Hours before this one are counted once they are over; the pruner may then delete their tokens.
        Assert.Equal(Utc(21, 3), await Services.GetRequiredService<StatisticsRollup>().RollUpAsync(CancellationToken.None));
        await Database.ExecuteAsync("DELETE FROM tokens WHERE created_at < $1", Utc(21, 3));
    }

    [Fact]
    public async Task Hourly_FortyEightHoursWithKnownCounts()
    {
        await ArrangeAsync();

        var series = await Dashboard.GetAsync(Viewer, DashboardGranularity.Hour, CancellationToken.None);
        var at = series.Buckets.ToDictionary(b => b.Start);

        Assert.Equal(48, series.Buckets.Count);
        Assert.Equal((Utc(19, 4), Utc(21, 3)), (series.Buckets[0].Start, series.Buckets[^1].Start));
        Assert.True(series.Buckets[^1].IsCurrent);
        Assert.False(series.Buckets[^2].IsCurrent);

        Assert.Equal(1, at[Utc(21, 3)].TokensIssued);
        Assert.Equal(2, at[Utc(21, 2)].TokensIssued);
        Assert.Equal(1, at[Utc(20, 2)].TokensIssued);
        Assert.Equal(4, series.Buckets.Sum(b => b.TokensIssued));

        Assert.Equal(1, at[Utc(19, 4)].ActiveLinks);
        Assert.Equal(1, at[Utc(19, 20)].ActiveLinks);
        Assert.Equal(2, at[Utc(19, 21)].ActiveLinks);
        Assert.Equal(3, at[Utc(20, 7)].ActiveLinks);
        Assert.Equal(3, at[Utc(20, 21)].ActiveLinks);
        Assert.Equal(2, at[Utc(20, 22)].ActiveLinks);
        Assert.Equal(1, at[Utc(21, 1)].ActiveLinks);
        Assert.Equal(2, at[Utc(21, 3)].ActiveLinks);

        Assert.Equal(1, at[Utc(21, 2)].Lockouts);
        Assert.Equal(1, at[Utc(20, 1)].Lockouts);
        Assert.Equal(2, series.Buckets.Sum(b => b.Lockouts));

        Assert.Equal((5, 3), (at[Utc(21, 3)].Requests, at[Utc(21, 3)].RefusalsTotal));
        Assert.Equal(2, at[Utc(21, 3)].Refusals[RefusalReason.Expired]);
        Assert.Equal(1, at[Utc(21, 3)].Refusals[RefusalReason.ConsentEnded]);
        Assert.Equal(0, at[Utc(21, 3)].Refusals[RefusalReason.WrongSender]);
        Assert.Equal((3, 1), (at[Utc(20, 3)].Requests, at[Utc(20, 3)].Refusals[RefusalReason.Other]));
    }

    [Fact]
    public async Task Daily_ThirtyJapanDaysWithKnownCounts()
    {
        await ArrangeAsync();

        var series = await Dashboard.GetAsync(Viewer, DashboardGranularity.Day, CancellationToken.None);
        var on = series.Buckets.ToDictionary(b => b.JapanDate!.Value);

        Assert.Equal(30, series.Buckets.Count);
        Assert.Equal((new DateOnly(2026, 10, 23), new DateOnly(2026, 11, 21)), (series.Buckets[0].JapanDate, series.Buckets[^1].JapanDate));
        Assert.Equal((Utc(20, 15), Utc(21, 15)), (series.Buckets[^1].Start, series.Buckets[^1].End));

        // Japan dates: 2026-11-21 began at 2026-11-20 15:00 UTC.
        Assert.Equal(3, on[new DateOnly(2026, 11, 21)].TokensIssued);
        Assert.Equal(1, on[new DateOnly(2026, 11, 20)].TokensIssued);
        Assert.Equal(1, on[new DateOnly(2026, 11, 18)].TokensIssued);
        Assert.Equal(0, on[new DateOnly(2026, 11, 19)].TokensIssued);

        Assert.Equal(2, on[new DateOnly(2026, 11, 21)].ActiveLinks);
        Assert.Equal(3, on[new DateOnly(2026, 11, 20)].ActiveLinks);
        Assert.Equal(1, on[new DateOnly(2026, 11, 19)].ActiveLinks);
        Assert.Equal(1, on[new DateOnly(2026, 10, 23)].ActiveLinks);

        Assert.Equal((1, 1), (on[new DateOnly(2026, 11, 21)].Lockouts, on[new DateOnly(2026, 11, 20)].Lockouts));
        Assert.Equal((5, 3), (on[new DateOnly(2026, 11, 21)].Requests, on[new DateOnly(2026, 11, 21)].RefusalsTotal));
        Assert.Equal((3, 1), (on[new DateOnly(2026, 11, 20)].Requests, on[new DateOnly(2026, 11, 20)].RefusalsTotal));
    }

    [Fact]
    public async Task Get_UnknownRole_Forbidden()
    {
        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Dashboard.GetAsync(Nobody, DashboardGranularity.Hour, CancellationToken.None));

        Assert.Equal("forbidden", error.Code);
        Assert.Equal("invalid_request", (await Assert.ThrowsAsync<OperationRefusedException>(() => Dashboard.GetAsync(Viewer, (DashboardGranularity)9, CancellationToken.None))).Code);
    }

    [Fact]
    public async Task RollUp_EachHourOnceAndOldCountersPruned()
    {
        await ArrangeAsync();
        var rollup = Services.GetRequiredService<StatisticsRollup>();

        Assert.Equal(Utc(21, 3), await rollup.RollUpAsync(CancellationToken.None));
        Assert.Equal(4, await Database.ScalarAsync<decimal>("SELECT sum(count) FROM token_issue_counts"));

        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Utc(21, 4), await rollup.RollUpAsync(CancellationToken.None));
        Assert.Equal(5, await Database.ScalarAsync<decimal>("SELECT sum(count) FROM token_issue_counts"));

        Clock.Set(Utc(18, 3, 30) + StatisticsRollup.Retention + TimeSpan.FromHours(1));
        Assert.Equal(1, await rollup.PruneAsync(CancellationToken.None));
        Assert.Equal(4, await Database.ScalarAsync<decimal>("SELECT sum(count) FROM token_issue_counts"));
    }
}
