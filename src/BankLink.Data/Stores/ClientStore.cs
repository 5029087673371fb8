using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BankLink.Protocol.Stores;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.Data.Stores;

/// <summary>Registered OAuth clients in PostgreSQL (the <c>clients</c> table).</summary>
public sealed class ClientStore(NpgsqlDataSource dataSource) : IClientStore
{
    private const string Columns = "client_id, provider_id, registered_with, profile, token_endpoint_auth_method, metadata::text, created_at, client_secret_hash";

    public async Task CreateAsync(NewClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO clients (client_id, provider_id, registered_with, profile, token_endpoint_auth_method, client_secret_hash,
                                 registration_access_token_hash, metadata, status, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $9)
            """);
        command.Parameters.AddWithValue(client.ClientId);
        command.Parameters.AddWithValue(client.ProviderId);
        command.Parameters.AddWithValue(client.RegisteredWith);
        command.Parameters.AddWithValue(client.Profile);
        command.Parameters.AddWithValue(client.TokenEndpointAuthMethod);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)client.ClientSecretHash ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.AddWithValue(client.RegistrationAccessTokenHash);
        command.Parameters.Add(new NpgsqlParameter { Value = client.Metadata.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.AddWithValue(client.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RegisteredClient?> FindByRegistrationAccessTokenAsync(string clientId, byte[] registrationAccessTokenHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registrationAccessTokenHash);
        await using var command = dataSource.CreateCommand($"SELECT {Columns}, registration_access_token_hash FROM clients WHERE client_id = $1 AND status = 'active'");
        command.Parameters.AddWithValue(clientId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var client = Read(reader);
        return CryptographicOperations.FixedTimeEquals(reader.GetFieldValue<byte[]>(8), registrationAccessTokenHash) ? client : null;
    }

    public async Task<RegisteredClient?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM clients WHERE client_id = $1 AND status = 'active'");
        command.Parameters.AddWithValue(clientId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task UpdateMetadataAsync(string clientId, JsonObject metadata, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        await using var command = dataSource.CreateCommand("UPDATE clients SET metadata = $2, updated_at = $3 WHERE client_id = $1 AND status = 'active'");
        command.Parameters.AddWithValue(clientId);
        command.Parameters.Add(new NpgsqlParameter { Value = metadata.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(string clientId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE clients SET status = 'deleted', updated_at = $2 WHERE client_id = $1");
        command.Parameters.AddWithValue(clientId);
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static RegisteredClient Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        JsonNode.Parse(reader.GetString(5))!.AsObject(), reader.GetFieldValue<DateTimeOffset>(6))
    {
        ClientSecretHash = reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7),
    };
}
