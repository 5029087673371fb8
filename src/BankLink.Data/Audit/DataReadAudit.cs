using Npgsql;

namespace BankLink.Data.Audit;

/// <summary>
/// Records the resource API's reads (issue 5: which provider read what of which account, when, under which
/// grant) in their own short transaction: nothing else is written with a read, so the chain head is locked
/// only for the append itself. All events of one call share the customer, hence one chain and one lock.
/// </summary>
public sealed class DataReadAudit(NpgsqlDataSource dataSource, AuditTrail trail)
{
    public async Task RecordAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var auditEvent in events)
        {
            await trail.AppendAsync(connection, transaction, auditEvent, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
