using BankLink.Data.Batching;
using BankLink.Data.Stores;
using BankLink.Protocol.Stores;
using Npgsql;

namespace BankLink.Data.Audit;

/// <summary>
/// What one resource request leaves behind: its DPoP proof's jti (RFC 9449 §11.1: never accepted twice), its
/// <c>data_read</c> events (issue 5: which provider read what of which account, when, under which grant), and the
/// grant whose "last used" time is due (null when it is fresh).
/// </summary>
public sealed record DataRead(OneTimeUse ProofUse, IReadOnlyList<AuditEvent> Events, Guid? TouchGrantId = null);

/// <summary>
/// Records the resource API's requests at their end, before any data is sent: the proof's jti, the audit events and
/// "last used", in one transaction, or nothing. A request whose jti was seen before gets false and none of its
/// events are written: it is refused and serves nothing. The requests of concurrent callers are committed together
/// (<see cref="GroupCommit{TItem,TResult}"/>): one transaction, one WAL flush and one lock of each audit chain head
/// per batch, and one wait per request, instead of one of each for the jti and again for the events.
/// </summary>
public sealed class DataReadAudit : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly AuditTrail _trail;
    private readonly TimeProvider _clock;
    private readonly GroupCommit<DataRead, bool> _groupCommit;

    public DataReadAudit(NpgsqlDataSource dataSource, AuditTrail trail, TimeProvider clock)
    {
        _dataSource = dataSource;
        _trail = trail;
        _clock = clock;
        // One writer: every batch locks the heads of its chains, so a second batch of the same customers would
        // only wait for the first; one batch at a time, growing with the load, commits the most per head lock.
        _groupCommit = new(WriteBatchAsync, writers: 1);
    }

    /// <summary>True once everything is durable; false when the proof was a replay (nothing of the request is written).</summary>
    public async Task<bool> RecordAsync(DataRead read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);

        // A token read from this node's cache carries the "last used" time of when it was read: this node's own
        // writes of the last minute are remembered so that they are not attempted again and again.
        if (read.TouchGrantId is { } grantId && _touched.TryGetValue(grantId, out var at) && _clock.GetUtcNow() - at < LastUsedResolution)
        {
            read = read with { TouchGrantId = null };
        }

        var fresh = await _groupCommit.SubmitAsync(read, cancellationToken);
        if (fresh && read.TouchGrantId is { } touched)
        {
            if (_touched.Count >= 10_000)
            {
                _touched.Clear();
            }

            _touched[touched] = _clock.GetUtcNow();
        }

        return fresh;
    }

    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> _touched = new();

    private async Task<IReadOnlyList<bool>> WriteBatchAsync(IReadOnlyList<DataRead> reads, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var fresh = await ReplayCache.TryUseAsync(connection, transaction, [.. reads.Select(r => r.ProofUse)], now, cancellationToken);
        var accepted = reads.Where((_, i) => fresh[i]).ToArray();

        // Grant rows before chain heads, in id order: the order in which consent and revocation lock them too, so
        // a batch never waits in a circle with them.
        var touched = accepted.Where(r => r.TouchGrantId is not null).Select(r => r.TouchGrantId!.Value).Distinct().Order().ToArray();
        if (touched.Length > 0)
        {
            await GrantStore.TouchLastUsedAsync(connection, transaction, touched, now, cancellationToken);
        }

        var events = accepted.SelectMany(r => r.Events).ToArray();
        if (events.Length > 0)
        {
            await _trail.AppendManyAsync(connection, transaction, events, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return fresh;
    }

    public ValueTask DisposeAsync() => _groupCommit.DisposeAsync();
}
