using BankLink.Data.Operations.Dashboard;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BankLink.Data.Tests.Operations.Dashboard;

/// <summary>Requests and refusals counted in memory and added to PostgreSQL by flushes that keep what they could not write.</summary>
public sealed class RefusalCounterTests : ServicesOverDatabase<SchemaDatabase>
{
    private RefusalCounter Counter => Services.GetRequiredService<RefusalCounter>();

    private Task<long> RefusalsAsync(string clientId, string reason) => Database.ScalarAsync<long>(
        "SELECT coalesce(sum(count), 0)::bigint FROM refusal_counts WHERE client_id = $1 AND reason = $2", clientId, reason);

    private Task<long> RequestsAsync(string clientId) => Database.ScalarAsync<long>(
        "SELECT coalesce(sum(count), 0)::bigint FROM request_counts WHERE client_id = $1", clientId);

    [Fact]
    public async Task Flush_WritesPerHourAndAddsToWhatIsThere()
    {
        Counter.Record("client-a", RefusalReason.Expired);
        Counter.Record("client-a", RefusalReason.Expired);
        Counter.Record("client-a", RefusalReason.WrongSender);
        Counter.RecordRequest("client-a");
        Clock.Advance(TimeSpan.FromHours(1));
        Counter.Record("client-a", RefusalReason.Expired);

        Assert.Equal(5, Counter.Pending);
        Assert.Equal(4, await Counter.FlushAsync(CancellationToken.None));
        Assert.Equal(0, Counter.Pending);

        Counter.Record("client-a", RefusalReason.Expired);
        await Counter.FlushAsync(CancellationToken.None);

        Assert.Equal(4, await RefusalsAsync("client-a", "expired"));
        Assert.Equal(1, await RefusalsAsync("client-a", "wrong_sender"));
        Assert.Equal(1, await RequestsAsync("client-a"));
        Assert.Equal(2, await Database.ScalarAsync<long>("SELECT count(*) FROM refusal_counts WHERE reason = 'expired'"));
        Assert.Equal(2, await Database.ScalarAsync<long>("SELECT count FROM refusal_counts WHERE reason = 'expired' AND bucket_hour = $1", StatisticsTime.HourOf(Clock.GetUtcNow())));
    }

    [Fact]
    public async Task Flush_Fails_CountsKeptForTheNextFlush()
    {
        Counter.Record("client-a", RefusalReason.Revoked);
        Counter.RecordRequest("client-a");
        await Database.ExecuteAsync("ALTER TABLE refusal_counts RENAME TO refusal_counts_away");

        await Assert.ThrowsAnyAsync<PostgresException>(() => Counter.FlushAsync(CancellationToken.None));

        Assert.Equal(2, Counter.Pending);
        Counter.Record("client-a", RefusalReason.Revoked);
        await Database.ExecuteAsync("ALTER TABLE refusal_counts_away RENAME TO refusal_counts");
        await Counter.FlushAsync(CancellationToken.None);

        Assert.Equal(2, await RefusalsAsync("client-a", "revoked"));
        Assert.Equal(1, await RequestsAsync("client-a"));
        Assert.Equal(0, Counter.Pending);
    }

    [Fact]
    public async Task Flush_TwoNodes_TheTableHoldsTheSum()
    {
        using var other = new RefusalCounter(Database.DataSource, Clock, NullLogger<RefusalCounter>.Instance);
        Counter.Record("client-a", RefusalReason.ConsentEnded);
        other.Record("client-a", RefusalReason.ConsentEnded);
        other.Record("client-a", RefusalReason.ConsentEnded);

        await Task.WhenAll(Counter.FlushAsync(CancellationToken.None), other.FlushAsync(CancellationToken.None));

        Assert.Equal(3, await RefusalsAsync("client-a", "consent_ended"));
    }

    [Fact]
    public async Task Record_UnknownOrOverlongClient_CountedUnderTheUnknownClient()
    {
        Counter.Record(null, RefusalReason.Other);
        Counter.Record(" ", RefusalReason.Other);
        Counter.Record(new string('c', 65), RefusalReason.Other);

        await Counter.FlushAsync(CancellationToken.None);

        Assert.Equal(3, await RefusalsAsync(RefusalCounter.UnknownClient, "other"));
    }

    [Fact]
    public async Task Record_ManyConcurrently_NoneLost()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                Counter.RecordRequest("client-a");
            }
        })).Append(Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                await Counter.FlushAsync(CancellationToken.None);
            }
        })));
        await Counter.FlushAsync(CancellationToken.None);

        Assert.Equal(80_000, await RequestsAsync("client-a"));
    }

    [Fact]
    public async Task Stop_FlushesWhatIsLeft()
    {
        Counter.Record("client-a", RefusalReason.WrongSender);

        await Counter.StartAsync(CancellationToken.None);
        await Counter.StopAsync(CancellationToken.None);

        Assert.Equal(1, await RefusalsAsync("client-a", "wrong_sender"));
        Assert.Equal(0, await Counter.FlushAsync(CancellationToken.None));
    }
}
