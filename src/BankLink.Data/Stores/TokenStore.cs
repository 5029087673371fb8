using BankLink.Protocol.Stores;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.Data.Stores;

/// <summary>Tokens in PostgreSQL, looked up by the SHA-256 of their value.</summary>
public sealed class TokenStore(NpgsqlDataSource dataSource, Notifications.AccessTokenCache cache, Audit.AuditTrail audit) : ITokenStore
{
    public async Task CreateAsync(StoredToken token, byte[] tokenHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await InsertAsync(connection, null, token, tokenHash, previousId: null, cancellationToken);
    }

    /// <summary>Inserts a token inside the caller's transaction (or alone when <paramref name="transaction"/> is null).</summary>
    internal static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, StoredToken token, byte[] tokenHash, Guid? previousId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO tokens (id, token_hash, kind, client_id, grant_id, subject, scope, jkt, status, created_at, expires_at, payload, previous_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            """, connection, transaction);
        command.Parameters.AddWithValue(token.Id);
        command.Parameters.AddWithValue(tokenHash);
        command.Parameters.AddWithValue(EnumNames.ToDatabase(token.Kind));
        command.Parameters.AddWithValue(token.ClientId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)token.GrantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)token.Subject ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.AddWithValue(token.Scope);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)token.Jkt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.AddWithValue(EnumNames.ToDatabase(token.Status));
        command.Parameters.AddWithValue(token.CreatedAt);
        command.Parameters.AddWithValue(token.ExpiresAt);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)token.Payload?.ToJsonString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)previousId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The token with this hash as it stands, with its grant; a live access token may come from this node's
    /// <see cref="Notifications.AccessTokenCache"/>, which every change that could stop it empties of it at once.
    /// </summary>
    public async Task<StoredToken?> FindByHashAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        if (cache.TryGet(tokenHash, out var cached))
        {
            return cached;
        }

        var generation = cache.Generation;
        var token = await ReadByHashAsync(tokenHash, cancellationToken);
        if (token is not null)
        {
            cache.Remember(tokenHash, token, generation);
        }

        return token;
    }

    /// <summary>
    /// One query: the token, its grant's state, and, for access tokens only, what a resource checks (the grant's
    /// accounts and the customer's number; codes and refresh tokens at the token endpoint need neither).
    /// </summary>
    private async Task<StoredToken?> ReadByHashAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT t.id, t.kind, t.client_id, t.grant_id, t.subject, t.scope, t.jkt, t.status, t.created_at, t.expires_at, t.payload::text,
                   g.id IS NULL OR (g.status = 'active' AND g.expires_at > now()),
                   g.provider_id, g.customer_id, g.scope, g.expires_at, g.last_used_at,
                   c.customer_number, coalesce(p.status = 'active' AND cl.status = 'active', false),
                   CASE WHEN t.kind = 'access_token' THEN ARRAY(SELECT a.account_id FROM grant_accounts a WHERE a.grant_id = g.id ORDER BY a.account_id) ELSE '{}'::uuid[] END
            FROM tokens t LEFT JOIN grants g ON g.id = t.grant_id
            LEFT JOIN customers c ON c.id = g.customer_id AND t.kind = 'access_token'
            LEFT JOIN providers p ON p.id = g.provider_id
            LEFT JOIN clients cl ON cl.client_id = g.client_id
            WHERE t.token_hash = $1
            """);
        command.Parameters.AddWithValue(tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredToken(
            reader.GetGuid(0),
            EnumNames.FromDatabase<StoredTokenKind>(reader.GetString(1)),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetGuid(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6),
            EnumNames.FromDatabase<StoredTokenStatus>(reader.GetString(7)),
            reader.GetFieldValue<DateTimeOffset>(8),
            reader.GetFieldValue<DateTimeOffset>(9))
        {
            Payload = reader.IsDBNull(10) ? null : System.Text.Json.Nodes.JsonNode.Parse(reader.GetString(10))!.AsObject(),
            GrantActive = reader.GetBoolean(11),
            Grant = reader.IsDBNull(12) ? null
                : new GrantSummary(reader.GetGuid(12), reader.GetGuid(13), reader.GetString(14), reader.GetFieldValue<DateTimeOffset>(15))
                {
                    LastUsedAt = reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
                    CustomerNumber = reader.IsDBNull(17) ? null : reader.GetString(17),
                    ProviderAndClientActive = reader.GetBoolean(18),
                    AccountIds = reader.GetFieldValue<Guid[]>(19),
                },
        };
    }

    public async Task<bool> RevokeAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE tokens SET status = 'revoked', revoked_at = $2 WHERE id = $1 AND status = 'active'");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> TryRedeemAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE tokens SET status = 'redeemed', redeemed_at = $2 WHERE id = $1 AND status = 'active' AND expires_at > $2");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<RotationOutcome> RotateRefreshTokenAsync(Guid presentedId, StoredToken successor, byte[] successorHash, TimeSpan leeway, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(successor);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string status;
        DateTimeOffset? redeemedAt;
        Guid grantId;
        await using (var select = new NpgsqlCommand("SELECT status, redeemed_at, grant_id FROM tokens WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue(presentedId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            status = reader.GetString(0);
            redeemedAt = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            grantId = reader.GetGuid(2);
        }

        if (status == "active")
        {
            await ExecuteAsync(connection, transaction, "UPDATE tokens SET status = 'redeemed', redeemed_at = $2 WHERE id = $1", cancellationToken, presentedId, now);
        }
        else if (status == "redeemed" && redeemedAt is { } at && now - at <= leeway
            && await ExecuteAsync(connection, transaction, "UPDATE tokens SET status = 'revoked', revoked_at = $2 WHERE previous_id = $1 AND status = 'active'", cancellationToken, presentedId, now) == 1)
        {
            // The successor was never used: the client did not get it. It is replaced, so one successor stays live.
        }
        else
        {
            await RevokeGrantAuditedAsync(connection, transaction, grantId, "refresh token reused", now, null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return RotationOutcome.ReuseDetected;
        }

        await InsertAsync(connection, transaction, successor, successorHash, presentedId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RotationOutcome.Rotated;
    }

    public async Task RevokeGrantAsync(Guid grantId, string reason, DateTimeOffset now, CancellationToken cancellationToken, string? byClientId = null)
    {
        ArgumentNullException.ThrowIfNull(reason);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RevokeGrantAuditedAsync(connection, transaction, grantId, reason, now, byClientId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Ends the grant and writes <c>link_revoked</c> (the customer sees it in "my links", operators in the trail),
    /// only when it was still active: a grant ended twice is recorded once.
    /// </summary>
    private async Task RevokeGrantAuditedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid grantId, string reason, DateTimeOffset now,
        string? byClientId, CancellationToken cancellationToken)
    {
        if (!await RevokeGrantAsync(connection, transaction, grantId, reason, now, cancellationToken))
        {
            return;
        }

        await using var read = new NpgsqlCommand("SELECT customer_id, provider_id, client_id FROM grants WHERE id = $1", connection, transaction);
        read.Parameters.AddWithValue(grantId);
        Guid customerId, providerId;
        string clientId;
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (customerId, providerId, clientId) = (reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2));
        }

        await audit.AppendAsync(connection, transaction, new Audit.AuditEvent(
            Audit.AuditEventTypes.LinkRevoked, now,
            byClientId is null ? Audit.AuditActorKinds.System : Audit.AuditActorKinds.Provider, byClientId ?? "token_endpoint",
            CustomerId: customerId, ProviderId: providerId, ClientId: clientId, GrantId: grantId,
            Detail: new System.Text.Json.Nodes.JsonObject { ["reason"] = reason }), cancellationToken);
    }

    /// <summary>
    /// Ends a grant and every live token it issued, inside the caller's transaction; false when the grant was
    /// not active (its tokens are revoked all the same).
    /// </summary>
    internal static async Task<bool> RevokeGrantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid grantId, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var revoked = await ExecuteAsync(connection, transaction,
            "UPDATE grants SET status = 'revoked', revoked_at = $2, revoked_reason = $3, updated_at = $2 WHERE id = $1 AND status = 'active'",
            cancellationToken, grantId, now, reason.Length > 200 ? reason[..200] : reason) == 1;
        await ExecuteAsync(connection, transaction, "UPDATE tokens SET status = 'revoked', revoked_at = $2 WHERE grant_id = $1 AND status = 'active'", cancellationToken, grantId, now);
        return revoked;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
