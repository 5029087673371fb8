using BankLink.Protocol.Stores;
using Npgsql;

namespace BankLink.Data.Stores;

/// <summary>Grants and their accounts in PostgreSQL, written in one transaction.</summary>
public sealed class GrantStore(NpgsqlDataSource dataSource) : IGrantStore
{
    public async Task CreateAsync(Grant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO grants (id, client_id, provider_id, customer_id, scope, status, created_at, updated_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, 'active', $6, $6, $7)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue(grant.Id);
            insert.Parameters.AddWithValue(grant.ClientId);
            insert.Parameters.AddWithValue(grant.ProviderId);
            insert.Parameters.AddWithValue(grant.CustomerId);
            insert.Parameters.AddWithValue(grant.Scope);
            insert.Parameters.AddWithValue(grant.CreatedAt);
            insert.Parameters.AddWithValue(grant.ExpiresAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var accounts = new NpgsqlCommand("INSERT INTO grant_accounts (grant_id, account_id) SELECT $1, unnest($2::uuid[])", connection, transaction))
        {
            accounts.Parameters.AddWithValue(grant.Id);
            accounts.Parameters.AddWithValue(grant.AccountIds.ToArray());
            await accounts.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Grant?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT g.client_id, g.provider_id, g.customer_id, g.scope, g.created_at, g.expires_at,
                   coalesce(array_agg(a.account_id) FILTER (WHERE a.account_id IS NOT NULL), '{}')
            FROM grants g LEFT JOIN grant_accounts a ON a.grant_id = g.id
            WHERE g.id = $1 GROUP BY g.id
            """);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Grant(id, reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetFieldValue<Guid[]>(6),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5))
            : null;
    }
}
