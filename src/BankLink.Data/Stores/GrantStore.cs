using BankLink.Protocol.Stores;
using Npgsql;

namespace BankLink.Data.Stores;

/// <summary>Grants and their accounts in PostgreSQL; each change is one transaction, or a step of the caller's (internal overloads).</summary>
public sealed class GrantStore(NpgsqlDataSource dataSource) : IGrantStore
{
    public async Task CreateAsync(Grant grant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await InsertAsync(connection, transaction, grant, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Inserts an active grant and its accounts inside the caller's transaction (see <see cref="ConsentStore"/>).</summary>
    internal static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Grant grant, CancellationToken cancellationToken)
    {
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

        await using var accounts = new NpgsqlCommand("INSERT INTO grant_accounts (grant_id, account_id) SELECT $1, unnest($2::uuid[])", connection, transaction);
        accounts.Parameters.AddWithValue(grant.Id);
        accounts.Parameters.AddWithValue(grant.AccountIds.ToArray());
        await accounts.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Grant?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT g.client_id, g.provider_id, g.customer_id, g.scope, g.created_at, g.expires_at,
                   coalesce(array_agg(a.account_id) FILTER (WHERE a.account_id IS NOT NULL), '{}'), g.status
            FROM grants g LEFT JOIN grant_accounts a ON a.grant_id = g.id
            WHERE g.id = $1 GROUP BY g.id
            """);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Grant(id, reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetFieldValue<Guid[]>(6),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5))
            {
                Status = EnumNames.FromDatabase<GrantStatus>(reader.GetString(7)),
            }
            : null;
    }

    public async Task<Grant?> UpdateAsync(GrantUpdate update, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await UpdateAsync(connection, transaction, update, now, cancellationToken);
        if (updated is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return updated;
    }

    /// <summary>
    /// <see cref="UpdateAsync(GrantUpdate, DateTimeOffset, CancellationToken)"/> inside the caller's transaction; on null
    /// nothing was written. The grant's row stays locked until the caller's transaction ends.
    /// </summary>
    internal static async Task<Grant?> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, GrantUpdate update, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The row lock orders this update after any other change to the grant (another consent, a revocation),
        // so the union of a merge is taken over what the grant holds at commit time, never over a stale read.
        Grant current;
        await using (var select = new NpgsqlCommand("""
            SELECT client_id, provider_id, customer_id, scope, created_at, expires_at, status
            FROM grants WHERE id = $1 FOR UPDATE
            """, connection, transaction))
        {
            select.Parameters.AddWithValue(update.GrantId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            current = new Grant(update.GrantId, reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), [],
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5))
            {
                Status = EnumNames.FromDatabase<GrantStatus>(reader.GetString(6)),
            };
        }

        if (current.ClientId != update.ClientId || current.CustomerId != update.CustomerId || !current.IsActiveAt(now))
        {
            return null;
        }

        await using (var accounts = new NpgsqlCommand("SELECT coalesce(array_agg(account_id), '{}') FROM grant_accounts WHERE grant_id = $1", connection, transaction))
        {
            accounts.Parameters.AddWithValue(update.GrantId);
            current = current with { AccountIds = (Guid[])(await accounts.ExecuteScalarAsync(cancellationToken))! };
        }

        var updated = update.ApplyTo(current);
        if (updated.AccountIds.Count == 0)
        {
            return null;
        }

        await ExecuteAsync(connection, transaction, "UPDATE grants SET scope = $2, expires_at = $3, updated_at = $4 WHERE id = $1",
            cancellationToken, updated.Id, updated.Scope, updated.ExpiresAt, now);
        var accountIds = updated.AccountIds.ToArray();
        await ExecuteAsync(connection, transaction, "DELETE FROM grant_accounts WHERE grant_id = $1 AND NOT (account_id = ANY($2))", cancellationToken, updated.Id, accountIds);
        await ExecuteAsync(connection, transaction, "INSERT INTO grant_accounts (grant_id, account_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
            cancellationToken, updated.Id, accountIds);

        // A redeemed (rotated) refresh token is revoked as well: its late retry is then refused as ended instead
        // of being taken for reuse, which would revoke the grant the customer has just approved again.
        await ExecuteAsync(connection, transaction, """
            UPDATE tokens SET status = 'revoked', revoked_at = $2
            WHERE grant_id = $1 AND kind = ANY($3) AND (status = 'active' OR (status = 'redeemed' AND kind = 'refresh_token'))
            """, cancellationToken, updated.Id, now, update.EndsTokens.Select(EnumNames.ToDatabase).ToArray());
        return updated;
    }

    /// <summary>
    /// Records that a provider used the grant (an access token accepted), at most once a minute: one conditional
    /// UPDATE, which changes nothing (and writes no row version) while the last write is under a minute old.
    /// </summary>
    public async Task<bool> TouchLastUsedAsync(Guid grantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE grants SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2 - interval '1 minute')");
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The same for several grants, inside the caller's transaction (the resource API's end-of-request batch).</summary>
    internal static async Task TouchLastUsedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] grantIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE grants SET last_used_at = $2 WHERE id = ANY($1) AND (last_used_at IS NULL OR last_used_at <= $2 - interval '1 minute')", connection, transaction);
        command.Parameters.AddWithValue(grantIds);
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
