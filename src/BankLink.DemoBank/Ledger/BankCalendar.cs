namespace BankLink.DemoBank.Ledger;

/// <summary>
/// Business days of a Japanese bank: closed on Saturdays, Sundays and from 31 December to 3 January.
/// National holidays are left out: they move every year and the demo data does not need them.
/// </summary>
public static class BankCalendar
{
    public static bool IsBusinessDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
        && !(day.Month == 12 && day.Day == 31)
        && !(day.Month == 1 && day.Day <= 3);

    public static DateOnly OnOrAfter(DateOnly day)
    {
        while (!IsBusinessDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    public static DateOnly OnOrBefore(DateOnly day)
    {
        while (!IsBusinessDay(day))
        {
            day = day.AddDays(-1);
        }

        return day;
    }

    /// <summary>A day of a month, clamped to the month's length (the 31st of February is the 28th or 29th).</summary>
    public static DateOnly DayOf(int year, int month, int day) =>
        new(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)));
}
