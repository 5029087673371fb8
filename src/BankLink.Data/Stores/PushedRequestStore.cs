using System.Text.Json.Nodes;
using BankLink.Protocol.Stores;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.Data.Stores;

/// <summary>Pushed authorization requests in PostgreSQL; consumption is one conditional UPDATE, so only one use wins.</summary>
public sealed class PushedRequestStore(NpgsqlDataSource dataSource) : IPushedRequestStore
{
    public async Task StoreAsync(byte[] requestUriHash, PushedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO pushed_requests (request_uri_hash, client_id, parameters, dpop_jkt, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """);
        command.Parameters.AddWithValue(requestUriHash);
        command.Parameters.AddWithValue(request.ClientId);
        command.Parameters.Add(new NpgsqlParameter { Value = request.Parameters.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)request.DpopJkt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.AddWithValue(request.CreatedAt);
        command.Parameters.AddWithValue(request.ExpiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<PushedRequest?> FindUsableAsync(byte[] requestUriHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT client_id, parameters::text, dpop_jkt, created_at, expires_at FROM pushed_requests
            WHERE request_uri_hash = $1 AND consumed_at IS NULL AND expires_at > $2
            """);
        command.Parameters.AddWithValue(requestUriHash);
        command.Parameters.AddWithValue(now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new PushedRequest(reader.GetString(0), JsonNode.Parse(reader.GetString(1))!.AsObject(),
            reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
    }

    public async Task<bool> TryConsumeAsync(byte[] requestUriHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await TryConsumeAsync(connection, null, requestUriHash, now, cancellationToken);
    }

    /// <summary>
    /// The consumption inside the caller's transaction: the row stays locked until it ends, so a racing consumer
    /// waits and then finds it consumed (or, after a rollback, consumes it itself).
    /// </summary>
    internal static async Task<bool> TryConsumeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, byte[] requestUriHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE pushed_requests SET consumed_at = $2 WHERE request_uri_hash = $1 AND consumed_at IS NULL AND expires_at > $2", connection, transaction);
        command.Parameters.AddWithValue(requestUriHash);
        command.Parameters.AddWithValue(now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
