using BankLink.Data.Operations.Providers;
using BankLink.Domain.Operators;
using BankLink.Domain.Time;
using Npgsql;

namespace BankLink.Data.Operations.Dashboard;

/// <summary>The dashboard's two views.</summary>
public enum DashboardGranularity
{
    /// <summary>The last 48 hours, the current hour last.</summary>
    Hour,

    /// <summary>The last 30 Japan calendar days, today last.</summary>
    Day,
}

/// <summary>One bar of the dashboard's charts: [<see cref="Start"/>, <see cref="End"/>), the current one cut at the time of reading.</summary>
/// <param name="JapanDate">The Japan calendar day, for day buckets.</param>
/// <param name="TokensIssued">Access tokens issued (customers' and client_credentials).</param>
/// <param name="ActiveLinks">Links (grants) standing at the bucket's end (at the time of reading for the current one): created, not revoked, not expired.</param>
/// <param name="Requests">Provider requests on the resource API, as counted by <see cref="RefusalCounter"/>.</param>
/// <param name="Lockouts">Customers stopped (利用中止, audit customer_stopped).</param>
public sealed record DashboardBucket(
    DateTimeOffset Start,
    DateTimeOffset End,
    DateOnly? JapanDate,
    bool IsCurrent,
    long TokensIssued,
    long ActiveLinks,
    long Requests,
    IReadOnlyDictionary<RefusalReason, long> Refusals,
    long Lockouts)
{
    public long RefusalsTotal => Refusals.Values.Sum();
}

/// <summary>The dashboard's series, oldest bucket first.</summary>
public sealed record DashboardSeries(DashboardGranularity Granularity, DateTimeOffset AsOf, IReadOnlyList<DashboardBucket> Buckets);

/// <summary>
/// The operators' dashboard (issue 6; any role): tokens issued, active links, requests and refusals by reason, and
/// lockouts, per hour over the last 48 hours and per Japan day over the last 30 days. Everything is counted per hour
/// and days sum their hours (Japan days begin on the hour: UTC+9 all year).
/// </summary>
/// <remarks>
/// Sources: access tokens from <c>token_issue_counts</c> for the hours rolled up and from the tokens table after them
/// (<see cref="StatisticsRollup"/>); links from the grants' created, revoked and expiry times (a grant's expiry as it
/// stands now: an extended grant counts as extended all along); requests and refusals from the counters every node
/// flushes every few seconds; lockouts from the audit trail.
/// </remarks>
public sealed class DashboardStatistics(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const int Hours = 48;
    public const int Days = 30;

    public async Task<DashboardSeries> GetAsync(OperatorActor actor, DashboardGranularity granularity, CancellationToken cancellationToken)
    {
        OperatorChecks.RequireRole(actor, OperatorRole.Viewer);
        var now = clock.GetUtcNow();
        var currentHour = StatisticsTime.HourOf(now);
        List<(DateTimeOffset Start, DateTimeOffset End, DateOnly? Date)> buckets;
        if (granularity == DashboardGranularity.Hour)
        {
            buckets = [.. Enumerable.Range(0, Hours).Select(i => currentHour.AddHours(i - Hours + 1)).Select(h => (h, h.AddHours(1), (DateOnly?)null))];
        }
        else if (granularity == DashboardGranularity.Day)
        {
            var today = DateOnly.FromDateTime(now.ToOffset(JapanTime.Offset).DateTime);
            buckets = [.. Enumerable.Range(0, Days).Select(i => today.AddDays(i - Days + 1))
                .Select(d => (JapanTime.StartOfDay(d).ToUniversalTime(), JapanTime.StartOfDay(d.AddDays(1)).ToUniversalTime(), (DateOnly?)d))];
        }
        else
        {
            throw OperatorChecks.Invalid("The dashboard is per hour or per day.");
        }

        var from = buckets[0].Start;
        var hourly = await HourlyAsync(from, now, cancellationToken);
        return new DashboardSeries(granularity, now, [.. buckets.Select(b =>
        {
            var hours = hourly.Where(h => h.Key >= b.Start && h.Key < b.End).Select(h => h.Value).ToList();
            var last = hourly.Where(h => h.Key < b.End).MaxBy(h => h.Key).Value;
            return new DashboardBucket(b.Start, b.End, b.Date, b.End > now,
                hours.Sum(h => h.TokensIssued),
                last?.ActiveLinksAtEnd ?? 0,
                hours.Sum(h => h.Requests),
                Enum.GetValues<RefusalReason>().ToDictionary(r => r, r => hours.Sum(h => h.Refusals[(int)r])),
                hours.Sum(h => h.Lockouts));
        })]);
    }

    /// <summary>Every hour from <paramref name="from"/> (an hour start) to the one holding <paramref name="now"/>.</summary>
    private async Task<SortedDictionary<DateTimeOffset, Hour>> HourlyAsync(DateTimeOffset from, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hours = new SortedDictionary<DateTimeOffset, Hour>();
        for (var h = from; h <= now; h = h.AddHours(1))
        {
            hours[h] = new Hour();
        }

        // A row outside the range (a node whose clock runs ahead) counts nowhere rather than failing the page.
        var outside = new Hour();
        Hour At(DateTimeOffset hour) => hours.TryGetValue(hour, out var found) ? found : outside;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rolledUpTo = await StatisticsRollup.RolledUpToAsync(connection, cancellationToken) ?? from;
        var liveFrom = rolledUpTo > from ? rolledUpTo : from;

        // Tokens issued: rolled-up hours, then the tokens table from where the roll-up stopped.
        await ReadAsync(connection, """
            SELECT bucket_hour, NULL, sum(count)::bigint FROM token_issue_counts WHERE bucket_hour >= $1 AND bucket_hour < $3 GROUP BY 1
            UNION ALL
            SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', NULL, count(*)
            FROM tokens WHERE kind = 'access_token' AND created_at >= $3 AND created_at < $2 GROUP BY 1
            """, [from, now, liveFrom], (hour, _, count) => At(hour).TokensIssued += count, cancellationToken);

        // Requests and refusals as flushed by the nodes.
        await ReadAsync(connection, """
            SELECT bucket_hour, NULL, sum(count)::bigint FROM request_counts WHERE bucket_hour >= $1 AND bucket_hour <= $2 GROUP BY 1
            UNION ALL
            SELECT bucket_hour, reason, sum(count)::bigint FROM refusal_counts WHERE bucket_hour >= $1 AND bucket_hour <= $2 GROUP BY 1, 2
            """, [from, now], (hour, reason, count) =>
            {
                if (reason is null)
                {
                    At(hour).Requests += count;
                }
                else
                {
                    At(hour).Refusals[(int)EnumNames.FromDatabase<RefusalReason>(reason)] += count;
                }
            }, cancellationToken);

        // Lockouts: customer_stopped events (a partial index keeps this off the per-read events).
        await ReadAsync(connection, """
            SELECT date_trunc('hour', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', NULL, count(*)
            FROM audit_events WHERE event_type = 'customer_stopped' AND occurred_at >= $1 AND occurred_at < $2 GROUP BY 1
            """, [from, now], (hour, _, count) => At(hour).Lockouts += count, cancellationToken);

        // Active links: a grant stands from created_at until it is revoked or expires, whichever is first. Standing at
        // the end of an hour = standing before it + created in it - ended in it (only what ended by now has ended).
        long standing = 0;
        var created = new Dictionary<DateTimeOffset, long>();
        var ended = new Dictionary<DateTimeOffset, long>();
        await ReadAsync(connection, """
            WITH g AS MATERIALIZED (
                SELECT created_at AS s, CASE WHEN revoked_at IS NOT NULL AND revoked_at < expires_at THEN revoked_at ELSE expires_at END AS e FROM grants)
            SELECT NULL::timestamptz, 'base', count(*) FROM g WHERE s < $1 AND e >= $1
            UNION ALL
            SELECT date_trunc('hour', s AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'created', count(*) FROM g WHERE s >= $1 AND s < $2 GROUP BY 1
            UNION ALL
            SELECT date_trunc('hour', e AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'ended', count(*) FROM g WHERE e >= $1 AND e < $2 GROUP BY 1
            """, [from, now], (hour, kind, count) =>
            {
                switch (kind)
                {
                    case "base":
                        standing = count;
                        break;
                    case "created":
                        created[hour.ToUniversalTime()] = count;
                        break;
                    default:
                        ended[hour.ToUniversalTime()] = count;
                        break;
                }
            }, cancellationToken, allowNullHour: true);
        foreach (var (hour, value) in hours)
        {
            standing += created.GetValueOrDefault(hour) - ended.GetValueOrDefault(hour);
            value.ActiveLinksAtEnd = standing;
        }

        return hours;
    }

    private static async Task ReadAsync(NpgsqlConnection connection, string sql, object[] parameters, Action<DateTimeOffset, string?, long> row,
        CancellationToken cancellationToken, bool allowNullHour = false)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(0) && !allowNullHour)
            {
                continue;
            }

            row(reader.IsDBNull(0) ? default : reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2));
        }
    }

    /// <summary>One hour's counts.</summary>
    private sealed class Hour
    {
        public long TokensIssued { get; set; }

        public long ActiveLinksAtEnd { get; set; }

        public long Requests { get; set; }

        public long[] Refusals { get; } = new long[Enum.GetValues<RefusalReason>().Length];

        public long Lockouts { get; set; }
    }
}
