using System.Globalization;

namespace BankLink.Domain.Time;

/// <summary>Why the service is closed at an instant; the snake_case names are the machine-readable reasons providers see.</summary>
public enum ClosedReason
{
    /// <summary>Outside the weekly service hours (<c>outside_hours</c>).</summary>
    OutsideHours,

    /// <summary>In a planned maintenance window (<c>maintenance</c>).</summary>
    Maintenance,
}

/// <summary>An open range of one weekday, in minutes since midnight Japan time, end exclusive (1440 is midnight of the next day).</summary>
public readonly record struct DailyRange(int StartMinute, int EndMinute)
{
    public override string ToString() => $"{Format(StartMinute)}-{Format(EndMinute)}";

    private static string Format(int minute) => string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");
}

/// <summary>A planned maintenance window: closed from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive).</summary>
public sealed record MaintenanceWindow(DateTimeOffset Start, DateTimeOffset End, string Reason);

/// <summary>Whether the service is open at an instant and, when closed, why and when it opens again (null: not within a year).</summary>
public sealed record ServiceState(bool IsOpen, ClosedReason? Reason, DateTimeOffset? NextOpening, MaintenanceWindow? Window);

/// <summary>
/// The bank's service hours (DOMAIN.md "Service hours and data freshness"): weekly hours in Japan time plus planned
/// maintenance windows. Pure: every answer is a function of the instant it is given, so callers pass
/// <c>TimeProvider.GetUtcNow()</c> and tests pass any instant. Japan keeps UTC+9 all year (<see cref="JapanTime"/>).
/// </summary>
public sealed class ServiceHours
{
    private const int MinutesPerDay = 24 * 60;

    private readonly Dictionary<DayOfWeek, DailyRange[]> _weekly;

    private readonly MaintenanceWindow[] _maintenance;

    public ServiceHours(IReadOnlyDictionary<DayOfWeek, IReadOnlyList<DailyRange>> weekly, IEnumerable<MaintenanceWindow> maintenance, OutsideHoursPolicy outsideHours)
    {
        ArgumentNullException.ThrowIfNull(weekly);
        ArgumentNullException.ThrowIfNull(maintenance);
        _weekly = Enum.GetValues<DayOfWeek>().ToDictionary(d => d, d => weekly.TryGetValue(d, out var ranges) ? Merge(ranges) : []);
        _maintenance = [.. maintenance.OrderBy(w => w.Start).ThenBy(w => w.End)];
        foreach (var window in _maintenance)
        {
            if (window.End <= window.Start)
            {
                throw new ArgumentException($"Maintenance window {window.Start:O} ends at or before its start.", nameof(maintenance));
            }
        }

        OutsideHours = outsideHours;
    }

    /// <summary>Open around the clock, no maintenance: the default.</summary>
    public static ServiceHours AlwaysOpen { get; } = FromOptions(new ServiceHoursOptions());

    public OutsideHoursPolicy OutsideHours { get; }

    /// <summary>Every planned window, earliest first.</summary>
    public IReadOnlyList<MaintenanceWindow> Maintenance => _maintenance;

    /// <summary>The open ranges of a weekday (Japan time), earliest first; empty for a closed day.</summary>
    public IReadOnlyList<DailyRange> HoursOn(DayOfWeek day) => _weekly[day];

    /// <summary>Reads <c>BankLink:ServiceHours</c>; throws <see cref="FormatException"/> naming the setting at fault (see <see cref="Problems"/>).</summary>
    public static ServiceHours FromOptions(ServiceHoursOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Problems(options).FirstOrDefault() is { } problem)
        {
            throw new FormatException(problem);
        }

        return new ServiceHours(
            Enum.GetValues<DayOfWeek>().ToDictionary(d => d, d => (IReadOnlyList<DailyRange>)ParseDay(options.HoursOf(d))!),
            options.Maintenance.Select(w => new MaintenanceWindow(w.Start, w.End, w.Reason)),
            options.OutsideHours);
    }

    /// <summary>What is wrong with the settings, each naming its key; empty when they can be used (checked at startup).</summary>
    public static IEnumerable<string> Problems(ServiceHoursOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            if (ParseDay(options.HoursOf(day)) is null)
            {
                yield return $"{ServiceHoursOptions.SectionName}:{day} must be comma-separated HH:mm-HH:mm ranges (end after start, at most 24:00), or empty or 'closed' for a closed day.";
            }
        }

        for (var i = 0; i < options.Maintenance.Count; i++)
        {
            var window = options.Maintenance[i];
            if (window.End <= window.Start)
            {
                yield return $"{ServiceHoursOptions.SectionName}:Maintenance:{i} must end after it starts.";
            }

            if (string.IsNullOrWhiteSpace(window.Reason) || window.Reason.Length > 200 || window.Reason.Any(c => c is < ' ' or > '~'))
            {
                yield return $"{ServiceHoursOptions.SectionName}:Maintenance:{i}:Reason must be printable ASCII, 1 to 200 characters (providers read it).";
            }
        }

        if (!Enum.IsDefined(options.OutsideHours))
        {
            yield return $"{ServiceHoursOptions.SectionName}:OutsideHours must be Refuse or ServeLastKnown.";
        }
    }

    /// <summary>Parses one weekday's setting; null when it is malformed.</summary>
    public static IReadOnlyList<DailyRange>? ParseDay(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Equals("closed", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var ranges = new List<DailyRange>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length != 2 || ParseMinute(bounds[0]) is not { } start || ParseMinute(bounds[1]) is not { } end || end <= start)
            {
                return null;
            }

            ranges.Add(new DailyRange(start, end));
        }

        return ranges;
    }

    /// <summary>Whether the service is open at <paramref name="instant"/>, and if not why and until when.</summary>
    public ServiceState StateAt(DateTimeOffset instant)
    {
        if (WindowAt(instant) is { } window)
        {
            return new ServiceState(false, ClosedReason.Maintenance, NextOpening(instant), window);
        }

        return IsWithinWeeklyHours(instant)
            ? new ServiceState(true, null, null, null)
            : new ServiceState(false, ClosedReason.OutsideHours, NextOpening(instant), null);
    }

    /// <summary>
    /// The first instant at or after <paramref name="instant"/> when the service is open: past every maintenance window
    /// and closed stretch in turn (windows may overlap each other and closed hours). Null when it stays closed for a year.
    /// </summary>
    public DateTimeOffset? NextOpening(DateTimeOffset instant)
    {
        var t = instant;
        var limit = instant.AddDays(366);
        while (t < limit)
        {
            if (WindowAt(t) is { } window)
            {
                t = window.End;
                continue;
            }

            if (IsWithinWeeklyHours(t))
            {
                return t;
            }

            if (NextWeeklyStart(t) is not { } start)
            {
                return null;
            }

            t = start;
        }

        return null;
    }

    /// <summary>The next <paramref name="count"/> windows not yet over at <paramref name="instant"/> (the current one first).</summary>
    public IReadOnlyList<MaintenanceWindow> UpcomingMaintenance(DateTimeOffset instant, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return [.. _maintenance.Where(w => w.End > instant).Take(count)];
    }

    private MaintenanceWindow? WindowAt(DateTimeOffset instant)
    {
        // The window that ends last among those covering the instant: skipping it skips the others too.
        MaintenanceWindow? found = null;
        foreach (var window in _maintenance)
        {
            if (window.Start > instant)
            {
                break;
            }

            if (window.End > instant && (found is null || window.End > found.End))
            {
                found = window;
            }
        }

        return found;
    }

    private bool IsWithinWeeklyHours(DateTimeOffset instant)
    {
        var local = instant.ToOffset(JapanTime.Offset);
        var minute = (local.Hour * 60) + local.Minute;
        return _weekly[local.DayOfWeek].Any(r => r.StartMinute <= minute && minute < r.EndMinute);
    }

    /// <summary>The next start of an open range strictly after <paramref name="instant"/> within a week; null when every day is closed.</summary>
    private DateTimeOffset? NextWeeklyStart(DateTimeOffset instant)
    {
        var local = instant.ToOffset(JapanTime.Offset);
        var today = DateOnly.FromDateTime(local.DateTime);
        for (var d = 0; d <= 7; d++)
        {
            var day = today.AddDays(d);
            foreach (var range in _weekly[day.DayOfWeek])
            {
                var start = JapanTime.StartOfDay(day).AddMinutes(range.StartMinute);
                if (start > instant)
                {
                    return start;
                }
            }
        }

        return null;
    }

    private static DailyRange[] Merge(IEnumerable<DailyRange> ranges)
    {
        var merged = new List<DailyRange>();
        foreach (var range in ranges.OrderBy(r => r.StartMinute))
        {
            if (range.StartMinute < 0 || range.EndMinute > MinutesPerDay || range.EndMinute <= range.StartMinute)
            {
                throw new ArgumentException($"Invalid daily range {range}.", nameof(ranges));
            }

            if (merged.Count > 0 && merged[^1].EndMinute >= range.StartMinute)
            {
                merged[^1] = merged[^1] with { EndMinute = Math.Max(merged[^1].EndMinute, range.EndMinute) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return [.. merged];
    }

    private static int? ParseMinute(string text)
    {
        if (text.Length != 5 || text[2] != ':' || !int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes > 59)
        {
            return null;
        }

        var total = (hours * 60) + minutes;
        return total <= MinutesPerDay ? total : null;
    }
}

/// <summary>The machine-readable names of <see cref="ClosedReason"/>.</summary>
public static class ClosedReasons
{
    public const string OutsideHours = "outside_hours";
    public const string Maintenance = "maintenance";

    public static string Name(ClosedReason reason) => reason == ClosedReason.Maintenance ? Maintenance : OutsideHours;
}
