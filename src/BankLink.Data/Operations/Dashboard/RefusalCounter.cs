using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.Data.Operations.Dashboard;

/// <summary>
/// Counts the resource API's requests and refusals per hour and client in memory, and adds them to
/// <c>request_counts</c> and <c>refusal_counts</c> every <see cref="FlushInterval"/> (one transaction, one upsert per
/// table: <c>count = count + excluded.count</c>), so a request costs an increment, never a row. Every node counts its
/// own; the tables hold the sums. The dashboard and the providers' error rates read them.
/// </summary>
/// <remarks>
/// A failed flush puts its counts back for the next one; the host's stop flushes what is left. Counts are at least
/// once, not exactly once: a flush whose commit succeeded but whose answer was lost is added again. A counter for an
/// hour over more than an hour ago is dropped from memory once flushed; an increment racing that drop may be lost.
/// </remarks>
public sealed partial class RefusalCounter(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<RefusalCounter> logger) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long the host's stop waits for the last flush.</summary>
    public static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Counters kept in memory at most; past it, new clients are counted under the unknown client ('').</summary>
    public const int MaxCounters = 100_000;

    /// <summary>The client of a request that named none BankLink knows.</summary>
    public const string UnknownClient = "";

    private readonly ConcurrentDictionary<CounterKey, Cell> _cells = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _cellCount;

    /// <summary>The hook for a refused provider request: the resource API and the token validator call it once per refusal.</summary>
    /// <param name="clientId">The client the token or request belongs to; null or empty when unknown.</param>
    public void Record(string? clientId, RefusalReason reason) => Increment(new CounterKey(StatisticsTime.HourOf(clock.GetUtcNow()), ClientOf(clientId), reason));

    /// <summary>The hook for every provider request on the resource API (refused or not): the denominator of the error rate.</summary>
    public void RecordRequest(string? clientId) => Increment(new CounterKey(StatisticsTime.HourOf(clock.GetUtcNow()), ClientOf(clientId), null));

    /// <summary>Counts recorded and not yet written (requests and refusals together).</summary>
    public long Pending => _cells.Values.Sum(c => Interlocked.Read(ref c.Count));

    /// <summary>Writes what was counted since the last flush; on failure the counts stay for the next one (and it throws).</summary>
    /// <returns>The rows added to or updated in the two tables.</returns>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var stale = StatisticsTime.HourOf(clock.GetUtcNow()).AddHours(-1);
            var taken = new List<(CounterKey Key, long Count)>();
            foreach (var (key, cell) in _cells)
            {
                var count = Interlocked.Exchange(ref cell.Count, 0);
                if (count > 0)
                {
                    taken.Add((key, count));
                }
                else if (key.Hour < stale && _cells.TryRemove(KeyValuePair.Create(key, cell)))
                {
                    Interlocked.Decrement(ref _cellCount);
                }
            }

            if (taken.Count == 0)
            {
                return 0;
            }

            try
            {
                await WriteAsync(taken, cancellationToken);
                return taken.Count;
            }
            catch
            {
                foreach (var (key, count) in taken)
                {
                    Interlocked.Add(ref CellOf(key).Count, count);
                }

                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(FinalFlushTimeout);
        try
        {
            await FlushAsync(bounded.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            LogFinalFlushFailed(logger, Pending, e);
        }
    }

    public override void Dispose()
    {
        _flushing.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await FlushAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Statistics only: the counts wait for the next flush.
                LogFlushFailed(logger, e);
            }
        }
    }

    private async Task WriteAsync(List<(CounterKey Key, long Count)> taken, CancellationToken cancellationToken)
    {
        // Sorted, so two nodes flushing the same keys take their row locks in the same order (no deadlock).
        var refusals = taken.Where(t => t.Key.Reason is not null).OrderBy(t => t.Key.Hour).ThenBy(t => t.Key.ClientId, StringComparer.Ordinal).ThenBy(t => t.Key.Reason).ToList();
        var requests = taken.Where(t => t.Key.Reason is null).OrderBy(t => t.Key.Hour).ThenBy(t => t.Key.ClientId, StringComparer.Ordinal).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (refusals.Count > 0)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO refusal_counts (bucket_hour, client_id, reason, count)
                SELECT * FROM unnest($1::timestamptz[], $2::varchar[], $3::varchar[], $4::bigint[])
                ON CONFLICT (bucket_hour, client_id, reason) DO UPDATE SET count = refusal_counts.count + excluded.count
                """, connection, transaction);
            command.Parameters.AddWithValue(refusals.Select(r => r.Key.Hour).ToArray());
            command.Parameters.AddWithValue(refusals.Select(r => r.Key.ClientId).ToArray());
            command.Parameters.AddWithValue(refusals.Select(r => EnumNames.ToDatabase(r.Key.Reason!.Value)).ToArray());
            command.Parameters.AddWithValue(refusals.Select(r => r.Count).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (requests.Count > 0)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO request_counts (bucket_hour, client_id, count)
                SELECT * FROM unnest($1::timestamptz[], $2::varchar[], $3::bigint[])
                ON CONFLICT (bucket_hour, client_id) DO UPDATE SET count = request_counts.count + excluded.count
                """, connection, transaction);
            command.Parameters.AddWithValue(requests.Select(r => r.Key.Hour).ToArray());
            command.Parameters.AddWithValue(requests.Select(r => r.Key.ClientId).ToArray());
            command.Parameters.AddWithValue(requests.Select(r => r.Count).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private void Increment(CounterKey key) => Interlocked.Increment(ref CellOf(key).Count);

    private Cell CellOf(CounterKey key)
    {
        if (_cells.TryGetValue(key, out var cell))
        {
            return cell;
        }

        // Bounded memory whatever the callers pass: past the limit, new keys go to the unknown client.
        if (Volatile.Read(ref _cellCount) >= MaxCounters)
        {
            key = key with { ClientId = UnknownClient };
        }

        var fresh = new Cell();
        cell = _cells.GetOrAdd(key, fresh);
        if (ReferenceEquals(cell, fresh))
        {
            Interlocked.Increment(ref _cellCount);
        }

        return cell;
    }

    private static string ClientOf(string? clientId) =>
        string.IsNullOrWhiteSpace(clientId) || clientId.Length > 64 ? UnknownClient : clientId;

    [LoggerMessage(EventId = 6942, Level = LogLevel.Warning, Message = "Request and refusal counts not written; kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6943, Level = LogLevel.Warning, Message = "{Pending} request and refusal count(s) not written at shutdown")]
    private static partial void LogFinalFlushFailed(ILogger logger, long pending, Exception exception);

    /// <summary>One counter: an hour, a client and a refusal reason, or no reason for the requests.</summary>
    private readonly record struct CounterKey(DateTimeOffset Hour, string ClientId, RefusalReason? Reason);

    private sealed class Cell
    {
        public long Count;
    }
}
