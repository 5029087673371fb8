namespace BankLink.Data.Operations.Dashboard;

/// <summary>
/// The buckets statistics are counted in: whole hours, as UTC instants. Japan keeps UTC+9 all year, so a Japan hour
/// starts at the same instant, and a Japan calendar day is a whole number of these hours.
/// </summary>
public static class StatisticsTime
{
    /// <summary>The start of the hour holding <paramref name="instant"/>, as a UTC instant.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
}
