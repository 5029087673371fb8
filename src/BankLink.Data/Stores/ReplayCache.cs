using System.Security.Cryptography;
using System.Text;
using BankLink.Data.Batching;
using BankLink.Protocol.Stores;
using Npgsql;

namespace BankLink.Data.Stores;

/// <summary>
/// The replay cache in PostgreSQL: one INSERT decides, so two nodes racing with one jti cannot both win. The
/// one-time values of concurrent requests are written together (<see cref="GroupCommit{TItem,TResult}"/>): one
/// statement and one commit for all of them, each request waiting until its values are committed.
/// </summary>
public sealed class ReplayCache : IReplayCache, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _clock;
    private readonly GroupCommit<IReadOnlyList<OneTimeUse>, IReadOnlyList<bool>> _groupCommit;

    public ReplayCache(NpgsqlDataSource dataSource, TimeProvider clock)
    {
        _dataSource = dataSource;
        _clock = clock;
        _groupCommit = new(WriteBatchAsync);
    }

    public async Task<IReadOnlyList<bool>> TryUseAllAsync(IReadOnlyList<OneTimeUse> uses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uses);
        return uses.Count == 0 ? [] : await _groupCommit.SubmitAsync(uses, cancellationToken);
    }

    /// <summary>Every request's values in one INSERT; then each request's share of the answer.</summary>
    private async Task<IReadOnlyList<IReadOnlyList<bool>>> WriteBatchAsync(IReadOnlyList<IReadOnlyList<OneTimeUse>> requests, CancellationToken cancellationToken)
    {
        var all = await TryUseTogetherAsync([.. requests.SelectMany(r => r)], cancellationToken);
        var answers = new List<IReadOnlyList<bool>>(requests.Count);
        var offset = 0;
        foreach (var request in requests)
        {
            answers.Add(all.Skip(offset).Take(request.Count).ToArray());
            offset += request.Count;
        }

        return answers;
    }

    private async Task<IReadOnlyList<bool>> TryUseTogetherAsync(IReadOnlyList<OneTimeUse> uses, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await TryUseAsync(connection, null, uses, _clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// Records <paramref name="uses"/> in the caller's transaction (or alone when <paramref name="transaction"/> is
    /// null); one answer per use, in order: true when it was never seen before (or its old entry had expired).
    /// </summary>
    internal static async Task<bool[]> TryUseAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<OneTimeUse> uses, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The same identifier twice in one batch is a replay of itself: only its first occurrence is inserted.
        var keys = uses.Select(Key).ToArray();
        var distinct = keys.Select((key, index) => (key, index)).Where(k => !keys.Take(k.index).Any(earlier => earlier.AsSpan().SequenceEqual(k.key))).ToArray();

        // A row comes back for each key inserted now, or whose old entry had expired; a key without a row was used before.
        await using var command = new NpgsqlCommand("""
            INSERT INTO replay_cache (key, expires_at) SELECT * FROM unnest($1::bytea[], $2::timestamptz[])
            ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE replay_cache.expires_at <= $3
            RETURNING key
            """, connection, transaction);
        command.Parameters.AddWithValue(distinct.Select(k => k.key).ToArray());
        command.Parameters.AddWithValue(distinct.Select(k => uses[k.index].Until).ToArray());
        command.Parameters.AddWithValue(now);
        var recorded = new List<byte[]>(keys.Length);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded.Add(reader.GetFieldValue<byte[]>(0));
            }
        }

        return keys.Select((key, index) => distinct.Any(k => k.index == index) && recorded.Any(row => row.AsSpan().SequenceEqual(key))).ToArray();
    }

    /// <summary>Deletes what can no longer be replayed anyway; returns how many rows went.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM replay_cache WHERE expires_at <= $1");
        command.Parameters.AddWithValue(_clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _groupCommit.DisposeAsync();

    // Length-prefixed parts: ("a|b","c") and ("a","b|c") never share a key.
    private static byte[] Key(OneTimeUse use) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{use.Kind.Length}:{use.Kind}{use.Scope.Length}:{use.Scope}{use.Identifier.Length}:{use.Identifier}"));
}
