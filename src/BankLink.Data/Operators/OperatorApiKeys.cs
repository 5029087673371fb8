using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Domain.Operators;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Operators;

/// <summary>The operator an admin API key speaks for, as it is now, and the key's id (for logs; never the key).</summary>
public sealed record ApiKeyCaller(Guid KeyId, OperatorActor Operator);

/// <summary>
/// API keys for the bank's own tools calling the admin API: <c>blak_</c> and 32 random bytes in base64url (RFC 4648 §5),
/// shown once; only the SHA-256 of the whole key is stored (ARCHITECTURE.md "Tokens": the database never holds a usable
/// secret; 256 random bits need no slow hash). A key acts as its operator with the operator's current role, and only
/// while the operator is active, the key unexpired and unrevoked: every call looks it up, so a revocation or a disabled
/// operator takes effect on every node at once.
/// </summary>
public sealed class OperatorApiKeys(NpgsqlDataSource dataSource, AuditTrail auditTrail, IOptions<OperatorSecurityOptions> options, TimeProvider clock)
{
    /// <summary>The readable prefix: a leaked key is recognisable (secret scanners, log reviews) as a BankLink admin key.</summary>
    public const string Prefix = "blak_";

    /// <summary>32 bytes in base64url without padding.</summary>
    public const int RandomPartLength = 43;

    /// <summary>"Last used" is written at most this often per key, so a busy tool does not turn every call into a write.</summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>
    /// An admin issues a key to an active operator, valid <paramref name="lifetime"/> (the default when null, never longer
    /// than <see cref="OperatorSecurityOptions.ApiKeyMaxLifetime"/>). The key is in the answer this once.
    /// </summary>
    public async Task<IssuedApiKey> IssueAsync(
        OperatorActor actor, Guid operatorId, string name, TimeSpan? lifetime, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.Role.Allows(OperatorRole.Admin))
        {
            throw new OperationRefusedException("forbidden", "Only an admin manages operators and their API keys.");
        }

        // The command line may issue without a reason; the console and the admin API always ask for one.
        string? why = null;
        if (reason is not null && !OperatorReason.TryNormalize(reason, out why))
        {
            throw new OperationRefusedException("invalid_reason",
                $"A reason of {OperatorReason.MinLength} to {OperatorReason.MaxLength} characters is required; it goes into the audit trail.");
        }

        if (!OperatorInput.TryNormalizeName(name, OperatorInput.MaxApiKeyNameLength, out var keyName))
        {
            throw new OperationRefusedException("invalid_request", $"The key's name must be 1 to {OperatorInput.MaxApiKeyNameLength} characters.");
        }

        var settings = options.Value;
        var life = lifetime ?? settings.ApiKeyDefaultLifetime;
        if (life <= TimeSpan.Zero || life > settings.ApiKeyMaxLifetime)
        {
            throw new OperationRefusedException("invalid_request", $"A key lives 1 to {(int)settings.ApiKeyMaxLifetime.TotalDays} days.");
        }

        var key = NewKey();
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string loginId;
        await using (var find = new NpgsqlCommand("SELECT login_id, status FROM operators WHERE id = $1 FOR SHARE", connection, transaction))
        {
            find.Parameters.AddWithValue(operatorId);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new OperationRefusedException("not_found", "No operator has this id.");
            }

            loginId = reader.GetString(0);
            if (reader.GetString(1) != "active")
            {
                throw new OperationRefusedException("conflict", $"{loginId} is not active: re-activate them first.");
            }
        }

        await using (var insert = new NpgsqlCommand("""
            INSERT INTO operator_api_keys (id, operator_id, name, key_hash, created_at, created_by, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(operatorId);
            insert.Parameters.AddWithValue(keyName);
            insert.Parameters.AddWithValue(Hash(key));
            insert.Parameters.AddWithValue(now);
            insert.Parameters.AddWithValue(actor.LoginId);
            insert.Parameters.AddWithValue(now + life);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var detail = new JsonObject
        {
            ["api_key_id"] = id.ToString(), ["operator_id"] = operatorId.ToString(), ["login_id"] = loginId, ["name"] = keyName,
            ["expires_at"] = (now + life).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (why is not null)
        {
            detail["reason"] = why;
        }

        var auditActor = actor.ToAuditActor();
        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            OperatorAuditEvents.OperatorApiKeyIssued, now, auditActor.Kind, auditActor.Id, Detail: detail), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IssuedApiKey(id, operatorId, loginId, keyName, now + life, key);
    }

    /// <summary>An admin revokes a key: the next call with it is refused, on every node.</summary>
    public async Task<OperatorApiKeySummary> RevokeAsync(OperatorActor actor, Guid keyId, string reason, CancellationToken cancellationToken)
    {
        var why = OperatorStore.RequireAdmin(actor, reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        OperatorApiKeySummary key;
        await using (var find = new NpgsqlCommand($"{SelectSummaries} WHERE k.id = $1 FOR UPDATE OF k", connection, transaction))
        {
            find.Parameters.AddWithValue(keyId);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            key = await reader.ReadAsync(cancellationToken) ? ReadSummary(reader) : throw new OperationRefusedException("not_found", "No API key has this id.");
        }

        if (key.RevokedAt is not null)
        {
            throw new OperationRefusedException("conflict", "This API key is revoked already.");
        }

        await using (var revoke = new NpgsqlCommand("UPDATE operator_api_keys SET revoked_at = $2 WHERE id = $1", connection, transaction))
        {
            revoke.Parameters.AddWithValue(keyId);
            revoke.Parameters.AddWithValue(now);
            await revoke.ExecuteNonQueryAsync(cancellationToken);
        }

        var auditActor = actor.ToAuditActor();
        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            OperatorAuditEvents.OperatorApiKeyRevoked, now, auditActor.Kind, auditActor.Id,
            Detail: new JsonObject
            {
                ["api_key_id"] = keyId.ToString(), ["operator_id"] = key.OperatorId.ToString(), ["login_id"] = key.OperatorLoginId,
                ["name"] = key.Name, ["reason"] = why,
            }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return key with { RevokedAt = now };
    }

    /// <summary>Keys, newest first: one operator's, or everyone's when <paramref name="operatorId"/> is null. Never the keys.</summary>
    public async Task<IReadOnlyList<OperatorApiKeySummary>> ListAsync(Guid? operatorId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"{SelectSummaries} WHERE $1::uuid IS NULL OR k.operator_id = $1 ORDER BY k.created_at DESC");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)operatorId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<OperatorApiKeySummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadSummary(reader));
        }

        return keys;
    }

    /// <summary>
    /// The operator a presented key speaks for, or null when the key is malformed, unknown, revoked, expired, or its
    /// operator is not active. The key is found by its SHA-256: a preimage-resistant digest, so timing of the lookup tells
    /// nothing about any stored key.
    /// </summary>
    public async Task<ApiKeyCaller?> VerifyAsync(string? presented, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(presented))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand("""
            SELECT k.id, k.last_used_at, o.id, o.login_id, o.role
            FROM operator_api_keys k JOIN operators o ON o.id = k.operator_id
            WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND k.expires_at > $2 AND o.status = 'active'
            """);
        command.Parameters.AddWithValue(Hash(presented!));
        command.Parameters.AddWithValue(now);
        Guid keyId;
        DateTimeOffset? lastUsed;
        OperatorActor actor;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            keyId = reader.GetGuid(0);
            lastUsed = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
            actor = new OperatorActor(reader.GetGuid(2), reader.GetString(3), OperatorRoles.TryParse(reader.GetString(4), out var role) ? role : 0);
        }

        if (lastUsed is null || lastUsed < now - LastUsedPrecision)
        {
            // Guarded, so concurrent calls on several nodes write it once per minute between them.
            await using var touch = dataSource.CreateCommand(
                "UPDATE operator_api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)");
            touch.Parameters.AddWithValue(keyId);
            touch.Parameters.AddWithValue(now);
            touch.Parameters.AddWithValue(now - LastUsedPrecision);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        return new ApiKeyCaller(keyId, actor);
    }

    /// <summary>The shape of a key, checked before any lookup (STYLE.md 7: clean up input first).</summary>
    public static bool IsWellFormed(string? presented) =>
        presented is { Length: 48 } && presented.StartsWith(Prefix, StringComparison.Ordinal)
        && presented.AsSpan(Prefix.Length).IndexOfAnyExcept(Base64UrlAlphabet) < 0;

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static string NewKey()
    {
        var random = RandomNumberGenerator.GetBytes(32);
        try
        {
            return Prefix + Convert.ToBase64String(random).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }
        finally
        {
            CryptographicOperations.ZeroMemory(random);
        }
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.ASCII.GetBytes(key));

    private const string SelectSummaries = """
        SELECT k.id, k.operator_id, o.login_id, k.name, k.created_at, k.created_by, k.expires_at, k.revoked_at, k.last_used_at
        FROM operator_api_keys k JOIN operators o ON o.id = k.operator_id
        """;

    private static OperatorApiKeySummary ReadSummary(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
}
