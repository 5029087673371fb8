using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace BankLink.Data.Keys;

/// <summary>Shared random secrets, created on first use by any node; the first writer wins and every node reads the same value.</summary>
public sealed class ServerSecrets(NpgsqlDataSource dataSource, IDataProtectionProvider dataProtection, TimeProvider clock)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("BankLink.ServerSecret.v1");
    private readonly ConcurrentDictionary<string, byte[]> _cache = new(StringComparer.Ordinal);

    public async Task<byte[]> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(name, out var cached))
        {
            return cached;
        }

        await using (var insert = dataSource.CreateCommand("INSERT INTO server_secrets (name, protected_value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING"))
        {
            insert.Parameters.AddWithValue(name);
            insert.Parameters.AddWithValue(Convert.ToBase64String(_protector.Protect(RandomNumberGenerator.GetBytes(32))));
            insert.Parameters.AddWithValue(clock.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = dataSource.CreateCommand("SELECT protected_value FROM server_secrets WHERE name = $1");
        select.Parameters.AddWithValue(name);
        var value = _protector.Unprotect(Convert.FromBase64String((string)(await select.ExecuteScalarAsync(cancellationToken))!));
        return _cache.GetOrAdd(name, value);
    }
}
