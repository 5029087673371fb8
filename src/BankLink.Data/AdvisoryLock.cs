using Npgsql;

namespace BankLink.Data;

/// <summary>
/// A PostgreSQL session-level advisory lock, released explicitly on dispose. Returning the connection to
/// the pool does not release it: the idle pooled connection would hold it until the pool prunes it.
/// </summary>
public sealed class AdvisoryLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private AdvisoryLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Takes the lock, waiting for its holder if needed; <paramref name="onWait"/> runs once before waiting.</summary>
    public static async Task<AdvisoryLock> AcquireAsync(NpgsqlConnection connection, long key, Action? onWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection);
        tryLock.Parameters.AddWithValue(key);
        if (!(bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
        {
            onWait?.Invoke();
            await using var waitLock = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { CommandTimeout = 0 };
            waitLock.Parameters.AddWithValue(key);
            await waitLock.ExecuteNonQueryAsync(cancellationToken);
        }

        return new AdvisoryLock(connection, key);
    }

    public async ValueTask DisposeAsync()
    {
        // A broken connection has lost the lock with its session already.
        if (_connection.State == System.Data.ConnectionState.Open)
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            unlock.Parameters.AddWithValue(_key);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
