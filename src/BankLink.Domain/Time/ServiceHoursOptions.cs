namespace BankLink.Domain.Time;

/// <summary>What the resource API does while the service is closed (DOMAIN.md "Service hours and data freshness").</summary>
public enum OutsideHoursPolicy
{
    /// <summary>503 with Retry-After (seconds until the next opening) and a machine-readable reason.</summary>
    Refuse,

    /// <summary>The last data read from the core, with its original as-of time and marked stale; 503 when there is none.</summary>
    ServeLastKnown,
}

/// <summary>
/// <c>BankLink:ServiceHours</c>: the weekly hours (Japan time) and the planned maintenance windows. Each weekday holds
/// comma-separated ranges <c>HH:mm-HH:mm</c> (end exclusive, <c>24:00</c> allowed); empty or <c>closed</c> is a closed day.
/// A closure across midnight is the end of one day and the start of the next (Sunday <c>00:00-21:00</c>, Monday
/// <c>07:00-24:00</c>). The default is open around the clock with no windows.
/// </summary>
public sealed class ServiceHoursOptions
{
    public const string SectionName = "BankLink:ServiceHours";

    public const string AllDay = "00:00-24:00";

    public string Monday { get; set; } = AllDay;

    public string Tuesday { get; set; } = AllDay;

    public string Wednesday { get; set; } = AllDay;

    public string Thursday { get; set; } = AllDay;

    public string Friday { get; set; } = AllDay;

    public string Saturday { get; set; } = AllDay;

    public string Sunday { get; set; } = AllDay;

    /// <summary>Planned maintenance windows: the service is closed from <see cref="MaintenanceWindowOptions.Start"/> to its end.</summary>
    public IList<MaintenanceWindowOptions> Maintenance { get; } = [];

    public OutsideHoursPolicy OutsideHours { get; set; } = OutsideHoursPolicy.Refuse;

    public string HoursOf(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => Monday,
        DayOfWeek.Tuesday => Tuesday,
        DayOfWeek.Wednesday => Wednesday,
        DayOfWeek.Thursday => Thursday,
        DayOfWeek.Friday => Friday,
        DayOfWeek.Saturday => Saturday,
        _ => Sunday,
    };
}

/// <summary>One planned maintenance window; instants carry their offset (write them in Japan time, +09:00).</summary>
public sealed class MaintenanceWindowOptions
{
    public DateTimeOffset Start { get; set; }

    public DateTimeOffset End { get; set; }

    /// <summary>Shown to providers on <c>GET /status</c>: ASCII, at most 200 characters.</summary>
    public string Reason { get; set; } = "planned maintenance";
}
