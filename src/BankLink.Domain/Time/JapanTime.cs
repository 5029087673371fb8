namespace BankLink.Domain.Time;

/// <summary>
/// Japan time (Asia/Tokyo), used only at the edges: service hours, dates shown to people, statement dates
/// (DOMAIN.md: "Dates and service hours are Japan time"). Japan has kept UTC+9 without daylight saving
/// since 1951, so a fixed offset is exact and needs no time-zone database.
/// </summary>
public static class JapanTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(9);

    public static DateTimeOffset Now(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.GetUtcNow().ToOffset(Offset);
    }

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(Now(clock).DateTime);

    /// <summary>The instant a Japan calendar day starts.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Offset);
}
