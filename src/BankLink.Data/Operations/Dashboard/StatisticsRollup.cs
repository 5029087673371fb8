using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.Data.Operations.Dashboard;

/// <summary>
/// Keeps the dashboard's history: access tokens issued per hour and client are added to <c>token_issue_counts</c> once
/// the hour is over (the tokens table loses expired tokens a day after they expire, ExpiredRowPruner), and counters
/// older than <see cref="Retention"/> are removed. Runs at the host's start and every <see cref="Interval"/>; any node
/// may run it, the roll-up row's lock makes each hour counted once.
/// </summary>
public sealed partial class StatisticsRollup(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<StatisticsRollup> logger) : BackgroundService
{
    public const string TokenIssueCounts = "token_issue_counts";

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>How long hourly counters are kept: the dashboard shows 30 days.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(92);

    /// <summary>An hour is rolled up this long after it ended, so a token inserted with a time just before the hour's end has committed.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMinutes(1);

    /// <summary>Counts the access tokens of every complete hour not counted yet; returns where the counted hours end now.</summary>
    public async Task<DateTimeOffset> RollUpAsync(CancellationToken cancellationToken)
    {
        var until = StatisticsTime.HourOf(clock.GetUtcNow() - SettleTime);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        DateTimeOffset? from;
        await using (var select = new NpgsqlCommand("""
            SELECT coalesce(rolled_up_to,
                            (SELECT date_trunc('hour', min(created_at) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' FROM tokens WHERE kind = 'access_token'))
            FROM statistics_rollups WHERE name = $1 FOR UPDATE
            """, connection, transaction))
        {
            select.Parameters.AddWithValue(TokenIssueCounts);
            var value = await select.ExecuteScalarAsync(cancellationToken);
            from = value is DateTime or DateTimeOffset ? ToInstant(value) : null;
        }

        if (from is { } start && start >= until)
        {
            return start;
        }

        if (from is { } first)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO token_issue_counts (bucket_hour, client_id, count)
                SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', client_id, count(*)
                FROM tokens WHERE kind = 'access_token' AND created_at >= $1 AND created_at < $2
                GROUP BY 1, 2
                ON CONFLICT (bucket_hour, client_id) DO UPDATE SET count = token_issue_counts.count + excluded.count
                """, connection, transaction);
            insert.Parameters.AddWithValue(first);
            insert.Parameters.AddWithValue(until);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var update = new NpgsqlCommand("UPDATE statistics_rollups SET rolled_up_to = $2 WHERE name = $1", connection, transaction))
        {
            update.Parameters.AddWithValue(TokenIssueCounts);
            update.Parameters.AddWithValue(until);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return until;
    }

    /// <summary>Removes hourly counters older than <see cref="Retention"/>; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH a AS (DELETE FROM refusal_counts WHERE bucket_hour < $1 RETURNING 1),
                 b AS (DELETE FROM request_counts WHERE bucket_hour < $1 RETURNING 1),
                 c AS (DELETE FROM token_issue_counts WHERE bucket_hour < $1 RETURNING 1)
            SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b) + (SELECT count(*) FROM c)
            """);
        command.Parameters.AddWithValue(clock.GetUtcNow() - Retention);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Where the rolled-up hours end (tokens from then on are counted from the tokens table); null before the first roll-up.</summary>
    internal static async Task<DateTimeOffset?> RolledUpToAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT rolled_up_to FROM statistics_rollups WHERE name = $1", connection);
        command.Parameters.AddWithValue(TokenIssueCounts);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime or DateTimeOffset ? ToInstant(value) : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await RollUpAsync(stoppingToken);
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // Housekeeping: the next pass tries again (hours stay in the tokens table for a day).
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static DateTimeOffset ToInstant(object value) => value switch
    {
        DateTimeOffset instant => instant.ToUniversalTime(),
        DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
        _ => throw new InvalidCastException(),
    };

    [LoggerMessage(EventId = 6944, Level = LogLevel.Warning, Message = "Statistics roll-up failed; retrying at the next pass")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
