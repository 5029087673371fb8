using System.Security.Cryptography;
using System.Text;
using BankLink.Protocol.Stores;
using Npgsql;

namespace BankLink.Data.Stores;

/// <summary>The replay cache in PostgreSQL: one INSERT decides, so two nodes racing with one jti cannot both win.</summary>
public sealed class ReplayCache(NpgsqlDataSource dataSource, TimeProvider clock) : IReplayCache
{
    public async Task<IReadOnlyList<bool>> TryUseAllAsync(IReadOnlyList<OneTimeUse> uses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uses);
        if (uses.Count == 0)
        {
            return [];
        }

        // The same identifier twice in one batch is a replay of itself: only its first occurrence is inserted.
        var keys = uses.Select(Key).ToArray();
        var distinct = keys.Select((key, index) => (key, index)).Where(k => !keys.Take(k.index).Any(earlier => earlier.AsSpan().SequenceEqual(k.key))).ToArray();

        // A row comes back for each key inserted now, or whose old entry had expired; a key without a row was used before.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO replay_cache (key, expires_at) SELECT * FROM unnest($1::bytea[], $2::timestamptz[])
            ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE replay_cache.expires_at <= $3
            RETURNING key
            """);
        command.Parameters.AddWithValue(distinct.Select(k => k.key).ToArray());
        command.Parameters.AddWithValue(distinct.Select(k => uses[k.index].Until).ToArray());
        command.Parameters.AddWithValue(clock.GetUtcNow());
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
        await using var command = dataSource.CreateCommand("DELETE FROM replay_cache WHERE expires_at <= $1");
        command.Parameters.AddWithValue(clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Length-prefixed parts: ("a|b","c") and ("a","b|c") never share a key.
    private static byte[] Key(OneTimeUse use) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{use.Kind.Length}:{use.Kind}{use.Scope.Length}:{use.Scope}{use.Identifier.Length}:{use.Identifier}"));
}
