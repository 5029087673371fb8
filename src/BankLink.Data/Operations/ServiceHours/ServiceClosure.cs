using BankLink.Domain.Time;
using Schedule = BankLink.Domain.Time.ServiceHours;

namespace BankLink.Data.Operations.ServiceHours;

/// <summary>
/// A closure of the account functions, for the console's "next closure at … because …": from <see cref="Start"/>
/// (now, when <see cref="InProgress"/>) until <see cref="End"/> (the next opening; null when not within a year).
/// </summary>
/// <param name="WindowReason">The maintenance window's reason, when <see cref="Reason"/> is maintenance.</param>
public sealed record ServiceClosure(DateTimeOffset Start, DateTimeOffset? End, ClosedReason Reason, string? WindowReason, bool InProgress)
{
    /// <summary>
    /// The closure in progress at <paramref name="now"/>, else the next one: the earlier of the end of the current open
    /// stretch of the weekly hours and the start of the next maintenance window (a window wins a tie: its reason says
    /// more). Null when the service stays open: around the clock with no window ahead.
    /// </summary>
    public static ServiceClosure? Next(Schedule schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var state = schedule.StateAt(now);
        if (!state.IsOpen)
        {
            return new ServiceClosure(now, state.NextOpening, state.Reason!.Value, state.Window?.Reason, InProgress: true);
        }

        // Open now, so no window covers now: the windows not over yet all start later.
        var window = schedule.Maintenance.FirstOrDefault(w => w.Start > now);
        var weeklyEnd = EndOfOpenStretch(schedule, now);
        if (window is not null && (weeklyEnd is not { } end || window.Start <= end))
        {
            return new ServiceClosure(window.Start, schedule.NextOpening(window.Start), ClosedReason.Maintenance, window.Reason, InProgress: false);
        }

        return weeklyEnd is { } closing
            ? new ServiceClosure(closing, schedule.NextOpening(closing), ClosedReason.OutsideHours, null, InProgress: false)
            : null;
    }

    /// <summary>
    /// Where the weekly hours' open stretch holding <paramref name="instant"/> ends (a range ending at 24:00 continues
    /// into a range starting at 00:00 the next day); null when it never ends (open around the clock every day).
    /// </summary>
    private static DateTimeOffset? EndOfOpenStretch(Schedule schedule, DateTimeOffset instant)
    {
        var local = instant.ToOffset(JapanTime.Offset);
        var day = DateOnly.FromDateTime(local.DateTime);
        var minute = (local.Hour * 60) + local.Minute;
        for (var i = 0; i <= 7; i++)
        {
            var range = schedule.HoursOn(day.DayOfWeek).FirstOrDefault(r => r.StartMinute <= minute && minute < r.EndMinute);
            if (range == default)
            {
                // Only reachable past the first day: the previous day's range ended at midnight and nothing starts at 00:00.
                return JapanTime.StartOfDay(day);
            }

            if (range.EndMinute < 24 * 60)
            {
                return JapanTime.StartOfDay(day).AddMinutes(range.EndMinute);
            }

            day = day.AddDays(1);
            minute = 0;
        }

        return null;
    }
}
