using Npgsql;

namespace BankLink.Data.Resource;

/// <summary>
/// What the resource API needs of a token's grant at use time, read in one query: who the customer is (their
/// customer number, the core's key), the accounts the grant names now, and whether the grant, its provider and
/// its client all still stand (ARCHITECTURE.md "Tokens": validated on every request against the token, its
/// grant, the provider and the accounts' state).
/// </summary>
public sealed record ResourceGrant(
    Guid GrantId,
    Guid CustomerId,
    string CustomerNumber,
    Guid ProviderId,
    string ClientId,
    bool IsUsable,
    IReadOnlyList<Guid> AccountIds);

/// <summary>Reads <see cref="ResourceGrant"/>s: one round trip per request, whatever the number of accounts.</summary>
public sealed class ResourceGrants(NpgsqlDataSource dataSource)
{
    /// <summary>The grant as it stands at <paramref name="now"/>, or null when it does not exist.</summary>
    public async Task<ResourceGrant?> FindAsync(Guid grantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A suspended provider or a deleted client ends every link at once (DOMAIN.md "How links end"), even if
        // the revocation of its tokens has not run yet: the check is here, on every request, on every node.
        await using var command = dataSource.CreateCommand("""
            SELECT g.customer_id, c.customer_number, g.provider_id, g.client_id,
                   g.status = 'active' AND g.expires_at > $2 AND p.status = 'active' AND cl.status = 'active',
                   coalesce(array_agg(a.account_id ORDER BY a.account_id) FILTER (WHERE a.account_id IS NOT NULL), '{}')
            FROM grants g
            JOIN customers c ON c.id = g.customer_id
            JOIN providers p ON p.id = g.provider_id
            JOIN clients cl ON cl.client_id = g.client_id
            LEFT JOIN grant_accounts a ON a.grant_id = g.id
            WHERE g.id = $1
            GROUP BY g.id, c.customer_number, p.status, cl.status
            """);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ResourceGrant(grantId, reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetString(3), reader.GetBoolean(4),
                reader.GetFieldValue<Guid[]>(5))
            : null;
    }
}
