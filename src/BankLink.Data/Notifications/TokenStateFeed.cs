using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.Data.Notifications;

/// <summary>
/// This node's ear on channel <c>banklink_token_state</c> (migration 0016): one PostgreSQL connection that LISTENs for
/// the whole life of the node and hands every notification to <see cref="AccessTokenCache"/>. The connection is
/// probed when quiet; if it fails, the cache is emptied and bypassed at once, and the listener reconnects with
/// back-off (and empties the cache again once listening, as it may have missed notifications in between).
/// </summary>
public sealed partial class TokenStateFeed(NpgsqlDataSource dataSource, AccessTokenCache cache, ILogger<TokenStateFeed> logger) : BackgroundService
{
    public const string Channel = "banklink_token_state";

    private const string SyncPrefix = "sync:";

    /// <summary>How long the connection may stay silent before it is probed.</summary>
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(10);

    private bool _listened;

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _syncs = new(StringComparer.Ordinal);

    /// <summary>
    /// Returns once this node has received every notification committed before the call (PostgreSQL delivers them in
    /// commit order, so a notification of our own sent now arrives after them): a change this node just committed
    /// has then reached its cache. Used before answering a request that may have revoked something, so the
    /// caller's very next request on this node already sees it; other nodes see it as their own notification
    /// arrives (milliseconds). When the listener is down there is no cache to bring up to date.
    /// </summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        if (!cache.IsActive)
        {
            return;
        }

        var nonce = Guid.NewGuid().ToString("N");
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _syncs[nonce] = arrived;
        try
        {
            await using (var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)"))
            {
                command.Parameters.AddWithValue(Channel);
                command.Parameters.AddWithValue(SyncPrefix + nonce);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (TimeoutException)
        {
            // The listener is too slow to be trusted with what it holds.
            LogSyncTimedOut(logger);
            cache.Changed("all");
        }
        finally
        {
            _syncs.TryRemove(nonce, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backOff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception failure) when (failure is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                cache.Listening(false);
                if (_listened)
                {
                    // It had been listening: a new failure, not the same one again.
                    backOff = TimeSpan.FromMilliseconds(200);
                    _listened = false;
                }

                LogListenerLost(logger, failure.GetType().Name, backOff.TotalSeconds);
            }

            try
            {
                await Task.Delay(backOff, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, MaxBackOff.Ticks));
        }

        cache.Listening(false);
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, notification) => Received(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // From here on nothing is missed: start from empty, as anything held before may have missed a change.
        cache.Listening(true);
        _listened = true;
        LogListening(logger);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await connection.WaitAsync(ProbeInterval, stoppingToken))
                {
                    await using var probe = new NpgsqlCommand("SELECT 1", connection);
                    await probe.ExecuteScalarAsync(stoppingToken);
                }
            }
        }
        finally
        {
            cache.Listening(false);
            if (connection.State == System.Data.ConnectionState.Open)
            {
                // The connection goes back to the pool: it must not keep listening there. A broken one is not pooled.
                try
                {
                    await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                    await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
                }
                catch (NpgsqlException)
                {
                }
            }
        }
    }

    private void Received(string payload)
    {
        if (payload.StartsWith(SyncPrefix, StringComparison.Ordinal))
        {
            if (_syncs.TryGetValue(payload[SyncPrefix.Length..], out var arrived))
            {
                arrived.TrySetResult();
            }

            return;
        }

        cache.Changed(payload);
    }

    [LoggerMessage(EventId = 6850, Level = LogLevel.Information, Message = "Listening for token state changes; the access token cache is on")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(EventId = 6851, Level = LogLevel.Warning, Message = "Token state listener lost ({Failure}); the access token cache is off until it reconnects in {Seconds} s")]
    private static partial void LogListenerLost(ILogger logger, string failure, double seconds);

    [LoggerMessage(EventId = 6852, Level = LogLevel.Warning, Message = "Token state listener did not hear its own notification within 2 s; the access token cache is emptied")]
    private static partial void LogSyncTimedOut(ILogger logger);
}
