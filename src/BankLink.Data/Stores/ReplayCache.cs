using System.Security.Cryptography;
using System.Text;
using BankLink.Protocol.Stores;
using Npgsql;

namespace BankLink.Data.Stores;

/// <summary>The replay cache in PostgreSQL: one INSERT decides, so two nodes racing with one jti cannot both win.</summary>
public sealed class ReplayCache(NpgsqlDataSource dataSource, TimeProvider clock) : IReplayCache
{
    public async Task<bool> TryUseAsync(string kind, string scope, string identifier, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(identifier);

        // Length-prefixed parts: ("a|b","c") and ("a","b|c") never share a key.
        var key = SHA256.HashData(Encoding.UTF8.GetBytes($"{kind.Length}:{kind}{scope.Length}:{scope}{identifier.Length}:{identifier}"));
        await using var command = dataSource.CreateCommand("""
            INSERT INTO replay_cache (key, expires_at) VALUES ($1, $2)
            ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE replay_cache.expires_at <= $3
            """);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(until);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Deletes what can no longer be replayed anyway; returns how many rows went.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM replay_cache WHERE expires_at <= $1");
        command.Parameters.AddWithValue(clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
