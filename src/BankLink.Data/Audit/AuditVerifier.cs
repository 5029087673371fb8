using System.Data;
using System.Security.Cryptography;
using Npgsql;

namespace BankLink.Data.Audit;

/// <summary>Where a chain stops being trustworthy: the first row that does not follow, and why.</summary>
/// <param name="EventId">The row's id; null when rows are missing after the chain's last row.</param>
/// <param name="Seq">The row's position in its chain (or, for a missing tail, the position the head names).</param>
public sealed record AuditBreak(short Chain, long? EventId, long Seq, string Reason);

/// <summary>What a walk of the whole audit trail found.</summary>
public sealed record AuditVerification(int ChainsChecked, long EventsChecked, IReadOnlyList<AuditBreak> Breaks)
{
    public bool IsIntact => Breaks.Count == 0;
}

/// <summary>
/// Walks every audit chain in order and recomputes each row's hash (ARCHITECTURE.md: "a command verifies the
/// chain"): a changed row no longer matches its hash, a removed row leaves a gap in seq and breaks the next
/// row's link, and rows removed from a chain's end no longer reach the chain's head. Reads one snapshot, so
/// appends running meanwhile are neither seen half-done nor reported.
/// </summary>
public sealed class AuditVerifier(NpgsqlDataSource dataSource)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }

        var heads = new List<(short Chain, long LastSeq, byte[] LastHash)>();
        await using (var command = new NpgsqlCommand("SELECT chain, last_seq, last_hash FROM audit_chains ORDER BY chain", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                heads.Add((reader.GetInt16(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
            }
        }

        var breaks = new List<AuditBreak>();
        long events = 0;
        foreach (var (chain, lastSeq, lastHash) in heads)
        {
            var (count, broken) = await VerifyChainAsync(connection, transaction, chain, lastSeq, lastHash, cancellationToken);
            events += count;
            if (broken is not null)
            {
                breaks.Add(broken);
            }
        }

        return new AuditVerification(heads.Count, events, breaks);
    }

    private static async Task<(long Count, AuditBreak? Break)> VerifyChainAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, short chain, long lastSeq, byte[] lastHash, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT id, seq, event_type, occurred_at, actor_kind, actor_id, customer_id, provider_id, client_id, grant_id, account_id, detail, previous_hash, hash
            FROM audit_events WHERE chain = $1 ORDER BY seq
            """, connection, transaction);
        command.Parameters.AddWithValue(chain);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var expectedSeq = 1L;
        var expectedPrevious = new byte[32];
        long count = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            count++;
            var id = reader.GetInt64(0);
            var seq = reader.GetInt64(1);
            var previous = reader.GetFieldValue<byte[]>(12);
            var stored = reader.GetFieldValue<byte[]>(13);
            if (seq != expectedSeq)
            {
                return (count, new AuditBreak(chain, id, seq, $"row(s) missing before this one: expected seq {expectedSeq}"));
            }

            if (!CryptographicOperations.FixedTimeEquals(previous, expectedPrevious))
            {
                return (count, new AuditBreak(chain, id, seq, "does not follow the previous row's hash (a row before it was changed or replaced)"));
            }

            var row = new AuditRow(id, chain, seq, reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetGuid(6),
                reader.IsDBNull(7) ? null : reader.GetGuid(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetGuid(9),
                reader.IsDBNull(10) ? null : reader.GetGuid(10),
                reader.IsDBNull(11) ? null : reader.GetString(11),
                previous);
            if (!CryptographicOperations.FixedTimeEquals(AuditCanonical.Hash(row), stored))
            {
                return (count, new AuditBreak(chain, id, seq, "its content does not match its hash (the row was changed)"));
            }

            expectedSeq++;
            expectedPrevious = stored;
        }

        // The head is written with every append: rows removed from the end leave it pointing past the last row.
        if (expectedSeq - 1 != lastSeq || !CryptographicOperations.FixedTimeEquals(expectedPrevious, lastHash))
        {
            return (count, new AuditBreak(chain, null, lastSeq, $"the chain's head names seq {lastSeq} but its rows end at seq {expectedSeq - 1} (rows removed from the end)"));
        }

        return (count, null);
    }
}
