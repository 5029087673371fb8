using System.Collections.Concurrent;
using System.Text.Json;
using BankLink.CoreBanking.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.CoreBanking.Snapshots;

/// <summary>What a snapshot holds: the kinds of core answer remembered as last-known data.</summary>
public static class CoreSnapshotKinds
{
    /// <summary>A customer's accounts (subject: the customer number).</summary>
    public const string Accounts = "accounts";

    /// <summary>One account (subject: the account id).</summary>
    public const string Account = "account";

    public const string Balance = "balance";

    /// <summary>The first page of a history query (subject: the account id; key: from, to and limit).</summary>
    public const string Transactions = "transactions";
}

/// <summary>A remembered core answer with the time the core vouched for it.</summary>
public sealed record CoreSnapshot<T>(T Value, DateTimeOffset AsOf, DateTimeOffset WrittenAt);

/// <summary>
/// Last-known core answers in PostgreSQL (<c>core_snapshots</c>, migration 0015), served with their original as-of time
/// when the core is down or the service is closed and the bank configured last-known data. One row per subject, kind and
/// query: an upsert that never replaces a newer as-of. Cheap on the hot path: each node writes one row at most once per
/// <see cref="CoreBankingOptions.SnapshotInterval"/>, and a failed write is logged and never fails the read it follows.
/// </summary>
public sealed partial class CoreSnapshotStore(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<CoreSnapshotStore> logger)
{
    private const int MaxRemembered = 200_000;

    private readonly ConcurrentDictionary<(string Kind, string Subject, string Key), DateTimeOffset> _lastWritten = new();

    /// <summary>Remembers <paramref name="value"/> unless this node wrote the same snapshot less than <paramref name="interval"/> ago.</summary>
    public async Task RememberAsync<T>(string kind, string subject, string key, T value, DateTimeOffset asOf, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(key);
        var now = clock.GetUtcNow();
        var slot = (kind, subject, key);
        if (_lastWritten.TryGetValue(slot, out var last) && now - last < interval)
        {
            return;
        }

        if (_lastWritten.Count >= MaxRemembered)
        {
            _lastWritten.Clear();
        }

        _lastWritten[slot] = now;
        try
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO core_snapshots (subject, kind, query_key, payload, as_of, written_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (subject, kind, query_key) DO UPDATE SET payload = EXCLUDED.payload, as_of = EXCLUDED.as_of, written_at = EXCLUDED.written_at
                WHERE core_snapshots.as_of <= EXCLUDED.as_of
                """);
            command.Parameters.AddWithValue(subject);
            command.Parameters.AddWithValue(kind);
            command.Parameters.AddWithValue(key);
            command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(value, HttpCoreBankingGateway.JsonOptions), NpgsqlDbType = NpgsqlDbType.Jsonb });
            // timestamptz takes UTC only; a core may vouch in Japan time (+09:00).
            command.Parameters.AddWithValue(asOf.ToUniversalTime());
            command.Parameters.AddWithValue(now.ToUniversalTime());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            // A snapshot is a convenience for a later outage: the read it follows has its answer already.
            _lastWritten.TryRemove(slot, out _);
            LogWriteFailed(logger, kind, exception);
        }
    }

    /// <summary>The last-known answer, or null when none was remembered (or the database cannot say).</summary>
    public async Task<CoreSnapshot<T>?> FindAsync<T>(string kind, string subject, string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                "SELECT payload::text, as_of, written_at FROM core_snapshots WHERE subject = $1 AND kind = $2 AND query_key = $3");
            command.Parameters.AddWithValue(subject);
            command.Parameters.AddWithValue(kind);
            command.Parameters.AddWithValue(key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var value = JsonSerializer.Deserialize<T>(reader.GetString(0), HttpCoreBankingGateway.JsonOptions);
            return value is null ? null : new CoreSnapshot<T>(value, reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2));
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or JsonException)
        {
            LogReadFailed(logger, kind, exception);
            return null;
        }
    }

    /// <summary>Deletes snapshots not refreshed since <paramref name="before"/> (old history queries nobody repeats).</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM core_snapshots WHERE written_at < $1");
        command.Parameters.AddWithValue(before.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 6975, Level = LogLevel.Warning, Message = "Core snapshot ({Kind}) not written; the read is served all the same")]
    private static partial void LogWriteFailed(ILogger logger, string kind, Exception exception);

    [LoggerMessage(EventId = 6976, Level = LogLevel.Warning, Message = "Core snapshot ({Kind}) could not be read")]
    private static partial void LogReadFailed(ILogger logger, string kind, Exception exception);
}
