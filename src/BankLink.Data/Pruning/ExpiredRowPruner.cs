using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.Data.Pruning;

/// <summary>What one pruning pass removed.</summary>
public sealed record PruneResult(int Tokens, int PushedRequests, int ReplayEntries);

/// <summary>
/// Deletes rows that can no longer matter (ARCHITECTURE.md "Data"): tokens a day after they expired (an
/// expired code or token is refused whether or not its row exists), pushed requests an hour after they
/// expired, and replay-cache entries once the identifier could not be accepted anyway. A refresh token that
/// another token replaced stays while that successor exists, so rotation chains are removed whole.
/// Grants are kept: they are the record of what a customer allowed.
/// </summary>
public sealed partial class ExpiredRowPruner(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<ExpiredRowPruner> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    public async Task<PruneResult> PruneAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var tokens = await DeleteAsync("""
            DELETE FROM tokens t WHERE t.expires_at < $1
            AND NOT EXISTS (SELECT 1 FROM tokens s WHERE s.previous_id = t.id)
            """, now.AddDays(-1), cancellationToken);
        var pushed = await DeleteAsync("DELETE FROM pushed_requests WHERE expires_at < $1", now.AddHours(-1), cancellationToken);
        var replay = await DeleteAsync("DELETE FROM replay_cache WHERE expires_at <= $1", now, cancellationToken);
        // Login throttle windows older than a day count nothing any more (the window is minutes long).
        await DeleteAsync("DELETE FROM login_throttle WHERE window_start < $1", now.AddDays(-1), cancellationToken);
        var result = new PruneResult(tokens, pushed, replay);
        LogPruned(logger, result.Tokens, result.PushedRequests, result.ReplayEntries);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Pruning is housekeeping: the next pass tries again.
                LogFailed(logger, e);
            }
        }
    }

    private async Task<int> DeleteAsync(string sql, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(before);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 6901, Level = LogLevel.Information, Message = "Pruned {Tokens} token(s), {PushedRequests} pushed request(s), {ReplayEntries} replay entry(ies)")]
    private static partial void LogPruned(ILogger logger, int tokens, int pushedRequests, int replayEntries);

    [LoggerMessage(EventId = 6902, Level = LogLevel.Warning, Message = "Pruning failed; retrying at the next pass")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
