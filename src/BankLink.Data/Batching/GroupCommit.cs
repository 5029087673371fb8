using System.Threading.Channels;

namespace BankLink.Data.Batching;

/// <summary>
/// Group commit: writes submitted by concurrent requests are gathered and written together, in one statement or
/// one transaction, and each request waits until its own write is committed before it goes on. Nothing is
/// acknowledged before it is durable, so correctness is that of one write per request; what changes is that
/// sixteen requests arriving together pay for one commit (one WAL flush) instead of sixteen, and a lock such as
/// an audit chain's head is taken once per batch instead of once per request.
/// </summary>
/// <remarks>
/// Several writer loops drain the queue: each takes whatever is waiting (up to <see cref="MaxBatch"/>),
/// writes it, and answers every submitter with its own result, or with the batch's failure. More than one writer,
/// so a request arriving while a batch is being committed starts its own at once instead of queueing behind it
/// (PostgreSQL then flushes the concurrent commits together). Under light load a batch is one item and costs
/// what a direct write costs; under heavy load batches grow by themselves.
/// </remarks>
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    public const int MaxBatch = 256;

    /// <summary>Writers for independent items (one-time values); one where batches would only wait on each other's locks.</summary>
    public const int DefaultWriters = 4;

    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> _queue =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>)>();

    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _write;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writers;

    /// <param name="write">Writes a batch and returns one result per item, in order; it must write all or nothing.</param>
    /// <param name="writers">How many batches may be written at once.</param>
    public GroupCommit(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> write, int writers = DefaultWriters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        _write = write;
        _writers = Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync)));
    }

    /// <summary>Queues <paramref name="item"/> and completes when the batch holding it is committed.</summary>
    public async Task<TResult> SubmitAsync(TItem item, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((item, done)))
        {
            throw new ObjectDisposedException(nameof(GroupCommit<TItem, TResult>), "The server is stopping.");
        }

        // A request that gives up stops waiting; its item may still be written (a write the caller did not wait for
        // is harmless here: a jti remembered, a read recorded that was not served).
        return await done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping.Token))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                await WriteBatchAsync(batch);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }

        while (_queue.Reader.TryRead(out var left))
        {
            left.Done.TrySetException(new ObjectDisposedException(nameof(GroupCommit<TItem, TResult>), "The server is stopping."));
        }
    }

    private async Task WriteBatchAsync(List<(TItem Item, TaskCompletionSource<TResult> Done)> batch)
    {
        try
        {
            var results = await _write([.. batch.Select(b => b.Item)], _stopping.Token);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
#pragma warning disable CA1031 // The batch's failure is every submitter's failure: each one rethrows it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var (_, done) in batch)
            {
                done.TrySetException(exception);
            }
        }
    }

    private int _disposed;

    /// <summary>Stops the writer; safe to call more than once (a service may be registered under two types).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _writers;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }
}
