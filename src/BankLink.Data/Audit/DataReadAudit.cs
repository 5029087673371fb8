using BankLink.Data.Batching;
using Npgsql;

namespace BankLink.Data.Audit;

/// <summary>
/// Records the resource API's reads (issue 5: which provider read what of which account, when, under which
/// grant). A read is answered only after its events are committed, so no data leaves without its record; the
/// reads of concurrent requests are committed together (<see cref="GroupCommit{TItem,TResult}"/>), so the chain
/// heads are locked and the log flushed once per batch rather than once per read.
/// </summary>
public sealed class DataReadAudit : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly AuditTrail _trail;
    private readonly GroupCommit<IReadOnlyList<AuditEvent>, bool> _groupCommit;

    public DataReadAudit(NpgsqlDataSource dataSource, AuditTrail trail)
    {
        _dataSource = dataSource;
        _trail = trail;
        // One writer: every batch locks the heads of its chains, so a second batch of the same customers would
        // only wait for the first; one batch at a time, growing with the load, commits the most per head lock.
        _groupCommit = new(WriteBatchAsync, writers: 1);
    }

    public async Task RecordAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count > 0)
        {
            await _groupCommit.SubmitAsync(events, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<bool>> WriteBatchAsync(IReadOnlyList<IReadOnlyList<AuditEvent>> reads, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await _trail.AppendManyAsync(connection, transaction, [.. reads.SelectMany(r => r)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. reads.Select(_ => true)];
    }

    public ValueTask DisposeAsync() => _groupCommit.DisposeAsync();
}
