using BankLink.CoreBanking;
using BankLink.Domain.Time;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankLink.Server.Apis;

/// <summary>
/// <c>GET /status</c>, no token: the service hours (Japan time), whether the account functions are open now and if not
/// why and until when, and the next planned maintenance windows, so providers can schedule (DOMAIN.md "Service hours
/// and data freshness"). Never cached: "open now" changes.
/// </summary>
public static class StatusApi
{
    public const string Path = "/status";

    /// <summary>How many upcoming maintenance windows the answer lists.</summary>
    public const int WindowsShown = 10;

    public static WebApplication MapStatusApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(Path, GetStatus).WithName("ServiceStatus").WithSummary("Service hours, open now, next maintenance windows");
        return app;
    }

    private static Ok<ServiceStatus> GetStatus(HttpContext http, IServiceHoursSource hours, TimeProvider clock)
    {
        http.Response.Headers.CacheControl = "no-store";
        var schedule = hours.Current;
        var now = clock.GetUtcNow();
        var state = schedule.StateAt(now);
        var japan = JapanTime.Offset;
        return TypedResults.Ok(new ServiceStatus(
            now.ToOffset(japan),
            state.IsOpen,
            state.Reason is { } reason ? ClosedReasons.Name(reason) : null,
            state.NextOpening?.ToOffset(japan),
            "Asia/Tokyo",
            Enum.GetValues<DayOfWeek>().OrderBy(d => ((int)d + 6) % 7).ToDictionary(
                d => d.ToString().ToLowerInvariant(), d => (IReadOnlyList<string>)[.. schedule.HoursOn(d).Select(r => r.ToString())]),
            schedule.OutsideHours == OutsideHoursPolicy.ServeLastKnown ? "serve_last_known" : "refuse",
            [.. schedule.UpcomingMaintenance(now, WindowsShown).Select(w => new Window(w.Start.ToOffset(japan), w.End.ToOffset(japan), w.Reason))]));
    }

    /// <summary>
    /// The answer: <c>serviceHours</c> maps each weekday (monday first) to its open ranges <c>HH:mm-HH:mm</c> in Japan
    /// time (empty: closed); <c>outsideHours</c> is <c>refuse</c> (503 with Retry-After) or <c>serve_last_known</c>
    /// (stale data with its asOf); <c>reason</c> is <c>outside_hours</c> or <c>maintenance</c> while closed.
    /// </summary>
    public sealed record ServiceStatus(
        DateTimeOffset AsOf,
        bool Open,
        string? Reason,
        DateTimeOffset? NextOpening,
        string TimeZone,
        IReadOnlyDictionary<string, IReadOnlyList<string>> ServiceHours,
        string OutsideHours,
        IReadOnlyList<Window> Maintenance);

    /// <summary>A planned maintenance window: closed from start (inclusive) to end (exclusive).</summary>
    public sealed record Window(DateTimeOffset Start, DateTimeOffset End, string Reason);
}
