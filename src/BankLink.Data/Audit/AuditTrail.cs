using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.Data.Audit;

/// <summary>
/// One audited fact: what happened, when, who did it (<see cref="ActorKind"/> is one of <see cref="AuditActorKinds"/>),
/// and the customer, provider, client, grant or account it concerns. <see cref="Detail"/> holds what else matters
/// (a reason, the accounts chosen); never a secret, a token or a full account number.
/// </summary>
public sealed record AuditEvent(
    string EventType,
    DateTimeOffset OccurredAt,
    string ActorKind,
    string? ActorId,
    Guid? CustomerId = null,
    Guid? ProviderId = null,
    string? ClientId = null,
    Guid? GrantId = null,
    Guid? AccountId = null,
    JsonObject? Detail = null);

/// <summary>Who acts in an audited event.</summary>
public static class AuditActorKinds
{
    public const string Customer = "customer";
    public const string Operator = "operator";
    public const string Provider = "provider";
    public const string System = "system";

    public static bool IsKnown(string? kind) => kind is Customer or Operator or Provider or System;
}

/// <summary>The event types this part of BankLink writes (snake_case, at most 64 characters). Others add theirs.</summary>
public static class AuditEventTypes
{
    /// <summary>The resource API's per-read event: many, and outside the customer's security history.</summary>
    public const string DataRead = "data_read";

    public const string RegistrationCreated = "registration_created";
    public const string GrantCreated = "grant_created";
    public const string GrantUpdated = "grant_updated";
    public const string ConsentDenied = "consent_denied";
    public const string LinkRevoked = "link_revoked";
    public const string LinkAccountRemoved = "link_account_removed";

    /// <summary>A link that lost its last account (removed by the customer, left out of a new registration, or closed or stopped in the core).</summary>
    public const string LinkEnded = "link_ended";

    /// <summary>The core reports a linked account closed (解約): it leaves every link naming it.</summary>
    public const string AccountClosed = "account_closed";

    /// <summary>The core reports a linked account stopped (凍結): it leaves every link naming it.</summary>
    public const string AccountStopped = "account_stopped";
}

/// <summary>One row of a customer's history as "my links" shows it.</summary>
public sealed record AuditEntry(
    long Id,
    string EventType,
    DateTimeOffset OccurredAt,
    string ActorKind,
    string? ActorId,
    Guid? ProviderId,
    string? ProviderName,
    string? ProviderNameJa,
    string? ClientId,
    Guid? GrantId,
    Guid? AccountId,
    JsonObject? Detail);

/// <summary>A page of history, newest first; <see cref="NextBefore"/> asks for the next (older) page, null at the end.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Events, long? NextBefore);

/// <summary>
/// The audit trail (ARCHITECTURE.md "Data"): append-only, hash-chained, written in the caller's transaction so a
/// state change and its event commit together. Events spread over <see cref="ChainCount"/> chains by customer
/// (else provider), so audited writes of different customers never wait for one another.
/// </summary>
public sealed class AuditTrail(NpgsqlDataSource dataSource)
{
    /// <summary>As many chains as 0011_audit_trail.sql creates head rows.</summary>
    public const int ChainCount = 16;

    public const int MaxPageSize = 100;

    /// <summary>
    /// Appends <paramref name="auditEvent"/> to its chain inside <paramref name="transaction"/>. The chain's head row
    /// stays locked until the caller commits or rolls back, so append last, just before the commit; and append
    /// all of one transaction's events for one customer (one chain), or in ascending chain order, so two
    /// transactions never wait on each other's heads.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
        Justification = "An injected service, so writers depend on the trail rather than on a static helper.")]
    public async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(auditEvent);
        Validate(auditEvent);
        var chain = ChainOf(auditEvent);

        // PostgreSQL keeps microseconds: the time is cut to them before it is hashed, so the row reads back the same.
        var occurredAt = AuditCanonical.ToMicroseconds(auditEvent.OccurredAt);
        var detail = auditEvent.Detail?.ToJsonString();

        long seq;
        long id;
        byte[] previous;
        await using (var head = new NpgsqlCommand(
            "SELECT last_seq, last_hash, nextval('audit_events_id_seq') FROM audit_chains WHERE chain = $1 FOR UPDATE", connection, transaction))
        {
            head.Parameters.AddWithValue(chain);
            await using var reader = await head.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Audit chain {chain} has no head row: is migration 0011 applied?");
            }

            seq = reader.GetInt64(0) + 1;
            previous = reader.GetFieldValue<byte[]>(1);
            id = reader.GetInt64(2);
        }

        var row = new AuditRow(id, chain, seq, auditEvent.EventType, AuditCanonical.FromMicroseconds(occurredAt), auditEvent.ActorKind, auditEvent.ActorId,
            auditEvent.CustomerId, auditEvent.ProviderId, auditEvent.ClientId, auditEvent.GrantId, auditEvent.AccountId, detail, previous);
        var hash = AuditCanonical.Hash(row);

        await using var insert = new NpgsqlCommand("""
            WITH appended AS (
                INSERT INTO audit_events (id, chain, seq, event_type, occurred_at, actor_kind, actor_id, customer_id, provider_id, client_id,
                                          grant_id, account_id, detail, previous_hash, hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15))
            UPDATE audit_chains SET last_seq = $3, last_hash = $15 WHERE chain = $2
            """, connection, transaction);
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(chain);
        insert.Parameters.AddWithValue(seq);
        insert.Parameters.AddWithValue(row.EventType);
        insert.Parameters.AddWithValue(row.OccurredAt);
        insert.Parameters.AddWithValue(row.ActorKind);
        insert.Parameters.Add(Nullable(row.ActorId, NpgsqlDbType.Varchar));
        insert.Parameters.Add(Nullable(row.CustomerId, NpgsqlDbType.Uuid));
        insert.Parameters.Add(Nullable(row.ProviderId, NpgsqlDbType.Uuid));
        insert.Parameters.Add(Nullable(row.ClientId, NpgsqlDbType.Varchar));
        insert.Parameters.Add(Nullable(row.GrantId, NpgsqlDbType.Uuid));
        insert.Parameters.Add(Nullable(row.AccountId, NpgsqlDbType.Uuid));
        insert.Parameters.Add(Nullable(row.Detail, NpgsqlDbType.Text));
        insert.Parameters.AddWithValue(previous);
        insert.Parameters.AddWithValue(hash);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Appends many events in <paramref name="transaction"/>: per chain (in ascending order, so two batches never wait
    /// on each other's heads) the head is locked once, the events are hashed one after the other in the order given,
    /// and written with one INSERT that also moves the head. The same chains and hashes as one AppendAsync per event.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static",
        Justification = "An injected service, so writers depend on the trail rather than on a static helper.")]
    public async Task AppendManyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(auditEvents);
        foreach (var auditEvent in auditEvents)
        {
            Validate(auditEvent);
        }

        foreach (var chainEvents in auditEvents.GroupBy(ChainOf).OrderBy(g => g.Key))
        {
            var events = chainEvents.ToList();
            long seq;
            byte[] previous;
            long[] ids;
            await using (var head = new NpgsqlCommand("""
                SELECT last_seq, last_hash, ARRAY(SELECT nextval('audit_events_id_seq') FROM generate_series(1, $2))
                FROM audit_chains WHERE chain = $1 FOR UPDATE
                """, connection, transaction))
            {
                head.Parameters.AddWithValue(chainEvents.Key);
                head.Parameters.AddWithValue(events.Count);
                await using var reader = await head.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new InvalidOperationException($"Audit chain {chainEvents.Key} has no head row: is migration 0011 applied?");
                }

                seq = reader.GetInt64(0);
                previous = reader.GetFieldValue<byte[]>(1);
                ids = reader.GetFieldValue<long[]>(2);
            }

            var rows = new List<(AuditRow Row, byte[] Hash)>(events.Count);
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                seq++;
                var row = new AuditRow(ids[i], chainEvents.Key, seq, e.EventType, AuditCanonical.FromMicroseconds(AuditCanonical.ToMicroseconds(e.OccurredAt)),
                    e.ActorKind, e.ActorId, e.CustomerId, e.ProviderId, e.ClientId, e.GrantId, e.AccountId, e.Detail?.ToJsonString(), previous);
                previous = AuditCanonical.Hash(row);
                rows.Add((row, previous));
            }

            await using var insert = new NpgsqlCommand("""
                WITH appended AS (
                    INSERT INTO audit_events (id, chain, seq, event_type, occurred_at, actor_kind, actor_id, customer_id, provider_id, client_id,
                                              grant_id, account_id, detail, previous_hash, hash)
                    SELECT id, $2, seq, event_type, occurred_at, actor_kind, actor_id, customer_id, provider_id, client_id, grant_id, account_id, detail, previous_hash, hash
                    FROM unnest($1::bigint[], $3::bigint[], $4::varchar[], $5::timestamptz[], $6::varchar[], $7::varchar[], $8::uuid[], $9::uuid[],
                                $10::varchar[], $11::uuid[], $12::uuid[], $13::text[], $14::bytea[], $15::bytea[])
                         AS t(id, seq, event_type, occurred_at, actor_kind, actor_id, customer_id, provider_id, client_id, grant_id, account_id, detail, previous_hash, hash))
                UPDATE audit_chains SET last_seq = $16, last_hash = $17 WHERE chain = $2
                """, connection, transaction);
            insert.Parameters.AddWithValue(rows.Select(r => r.Row.Id).ToArray());
            insert.Parameters.AddWithValue(chainEvents.Key);
            insert.Parameters.AddWithValue(rows.Select(r => r.Row.Seq).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => r.Row.EventType).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => r.Row.OccurredAt).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => r.Row.ActorKind).ToArray());
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Row.ActorId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Row.CustomerId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Row.ProviderId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Row.ClientId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Row.GrantId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Row.AccountId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Row.Detail).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.AddWithValue(rows.Select(r => r.Row.PreviousHash).ToArray());
            insert.Parameters.AddWithValue(rows.Select(r => r.Hash).ToArray());
            insert.Parameters.AddWithValue(seq);
            insert.Parameters.AddWithValue(previous);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A customer's security-relevant history (everything about them but per-read data events), newest first:
    /// up to <paramref name="limit"/> events older than <paramref name="before"/> (an id from <see cref="AuditPage.NextBefore"/>).
    /// </summary>
    public async Task<AuditPage> RecentForCustomerAsync(Guid customerId, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        await using var command = dataSource.CreateCommand("""
            SELECT e.id, e.event_type, e.occurred_at, e.actor_kind, e.actor_id, e.provider_id, p.name, p.name_ja, e.client_id, e.grant_id, e.account_id, e.detail
            FROM audit_events e LEFT JOIN providers p ON p.id = e.provider_id
            WHERE e.customer_id = $1 AND e.event_type <> 'data_read' AND e.id < $2
            ORDER BY e.id DESC
            LIMIT $3
            """);
        command.Parameters.AddWithValue(customerId);
        command.Parameters.AddWithValue(before ?? long.MaxValue);
        command.Parameters.AddWithValue(limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AuditEntry(
                reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetGuid(9),
                reader.IsDBNull(10) ? null : reader.GetGuid(10),
                reader.IsDBNull(11) ? null : JsonNode.Parse(reader.GetString(11))!.AsObject()));
        }

        return events.Count > limit
            ? new AuditPage(events[..limit], events[limit - 1].Id)
            : new AuditPage(events, null);
    }

    /// <summary>The chain of an event: a stable function of its customer, else its provider, else chain 0.</summary>
    public static short ChainOf(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return (auditEvent.CustomerId ?? auditEvent.ProviderId) is { } key ? ChainOf(key) : (short)0;
    }

    /// <summary>The bytes of a random (v4) id are uniform, so folding them spreads customers evenly over the chains.</summary>
    public static short ChainOf(Guid key)
    {
        Span<byte> bytes = stackalloc byte[16];
        key.TryWriteBytes(bytes, bigEndian: true, out _);
        var folded = 0;
        foreach (var b in bytes)
        {
            folded ^= b;
        }

        return (short)(folded % ChainCount);
    }

    private static void Validate(AuditEvent auditEvent)
    {
        if (string.IsNullOrEmpty(auditEvent.EventType) || auditEvent.EventType.Length > 64
            || !auditEvent.EventType.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') || auditEvent.EventType[0] is < 'a' or > 'z')
        {
            throw new ArgumentException($"Audit event type '{auditEvent.EventType}' must be snake_case, at most 64 characters.", nameof(auditEvent));
        }

        if (!AuditActorKinds.IsKnown(auditEvent.ActorKind))
        {
            throw new ArgumentException($"Audit actor kind '{auditEvent.ActorKind}' must be customer, operator, provider or system.", nameof(auditEvent));
        }

        if (auditEvent.ActorId is { Length: > 200 } || auditEvent.ClientId is { Length: > 64 })
        {
            throw new ArgumentException("Audit actor id is at most 200 characters and client id at most 64.", nameof(auditEvent));
        }
    }

    private static NpgsqlParameter Nullable(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };
}

/// <summary>An audit row as stored: what is hashed, with the hash it follows.</summary>
internal sealed record AuditRow(
    long Id, short Chain, long Seq, string EventType, DateTimeOffset OccurredAt, string ActorKind, string? ActorId,
    Guid? CustomerId, Guid? ProviderId, string? ClientId, Guid? GrantId, Guid? AccountId, string? Detail, byte[] PreviousHash);

/// <summary>
/// The one encoding the chain hashes: a version tag, then every field in a fixed order, integers big-endian,
/// each optional field behind a presence byte, strings as UTF-8 behind their length, the time as microseconds
/// since the Unix epoch. Unambiguous (no separator can be forged inside a field) and independent of culture.
/// </summary>
internal static class AuditCanonical
{
    private static readonly byte[] Version = "BLAUDIT1"u8.ToArray();

    public static byte[] Hash(AuditRow row)
    {
        using var buffer = new MemoryStream(256);
        buffer.Write(row.PreviousHash);
        buffer.Write(Version);
        Int64(buffer, row.Id);
        Int64(buffer, row.Chain);
        Int64(buffer, row.Seq);
        Text(buffer, row.EventType);
        Int64(buffer, ToMicroseconds(row.OccurredAt));
        Text(buffer, row.ActorKind);
        Text(buffer, row.ActorId);
        Id(buffer, row.CustomerId);
        Id(buffer, row.ProviderId);
        Text(buffer, row.ClientId);
        Id(buffer, row.GrantId);
        Id(buffer, row.AccountId);
        Text(buffer, row.Detail);
        return SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static long ToMicroseconds(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);

    private static void Int64(MemoryStream buffer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        buffer.Write(bytes);
    }

    private static void Text(MemoryStream buffer, string? value)
    {
        if (value is null)
        {
            buffer.WriteByte(0);
            return;
        }

        buffer.WriteByte(1);
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }

    private static void Id(MemoryStream buffer, Guid? value)
    {
        if (value is not { } id)
        {
            buffer.WriteByte(0);
            return;
        }

        buffer.WriteByte(1);
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        buffer.Write(bytes);
    }
}
