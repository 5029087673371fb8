using BankLink.Domain.Time;

namespace BankLink.Domain.Tests;

/// <summary>DOMAIN.md "Service hours and data freshness": weekly hours in Japan time, plus planned maintenance windows.</summary>
public sealed class ServiceHoursTests
{
    private static readonly TimeSpan Jst = TimeSpan.FromHours(9);

    /// <summary>A realistic bank: closed Sunday 21:00 to Monday 07:00 for core maintenance, Saturday 00:00-02:00 and 06:00-24:00.</summary>
    private static ServiceHoursOptions Realistic()
    {
        var options = new ServiceHoursOptions { Sunday = "00:00-21:00", Monday = "07:00-24:00", Saturday = "00:00-02:00, 06:00-24:00" };
        return options;
    }

    private static DateTimeOffset Japan(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, Jst);

    [Fact]
    public void Default_OpenAroundTheClockWithNoWindows()
    {
        var hours = ServiceHours.FromOptions(new ServiceHoursOptions());

        foreach (var instant in new[] { Japan(22, 23, 59), Japan(23, 0, 0), Japan(21, 12) })
        {
            Assert.True(hours.StateAt(instant).IsOpen);
        }

        Assert.Empty(hours.UpcomingMaintenance(Japan(21, 0), 10));
        Assert.Equal(OutsideHoursPolicy.Refuse, hours.OutsideHours);
    }

    [Fact]
    public void StateAt_WeeklyClosureEdges_StartInclusiveEndExclusive()
    {
        var hours = ServiceHours.FromOptions(Realistic());

        Assert.True(hours.StateAt(Japan(22, 20, 59)).IsOpen);           // Sunday 20:59
        var closed = hours.StateAt(Japan(22, 21, 0));                    // Sunday 21:00
        Assert.False(closed.IsOpen);
        Assert.Equal(ClosedReason.OutsideHours, closed.Reason);
        Assert.Equal(Japan(23, 7, 0), closed.NextOpening);               // across midnight to Monday 07:00
        Assert.False(hours.StateAt(Japan(23, 0, 0)).IsOpen);              // Monday midnight
        Assert.False(hours.StateAt(Japan(23, 6, 59)).IsOpen);
        Assert.True(hours.StateAt(Japan(23, 7, 0)).IsOpen);
    }

    [Fact]
    public void StateAt_MidnightBetweenTwoOpenDays_StaysOpen()
    {
        var hours = ServiceHours.FromOptions(Realistic());

        Assert.True(hours.StateAt(Japan(23, 23, 59)).IsOpen);   // Monday 23:59
        Assert.True(hours.StateAt(Japan(24, 0, 0)).IsOpen);     // Tuesday 00:00
    }

    [Fact]
    public void StateAt_TwoRangesInADay_GapIsClosedUntilTheSecond()
    {
        var hours = ServiceHours.FromOptions(Realistic());

        Assert.True(hours.StateAt(Japan(21, 1, 59)).IsOpen);
        var gap = hours.StateAt(Japan(21, 2, 0));
        Assert.False(gap.IsOpen);
        Assert.Equal(Japan(21, 6, 0), gap.NextOpening);
    }

    [Fact]
    public void StateAt_JapanTimeNotUtc_WeekdayAndHourTakenInJapan()
    {
        var hours = ServiceHours.FromOptions(Realistic());

        // Sunday 12:30 UTC is Sunday 21:30 in Japan: closed. Sunday 22:30 UTC is Monday 07:30 in Japan: open.
        Assert.False(hours.StateAt(new DateTimeOffset(2026, 11, 22, 12, 30, 0, TimeSpan.Zero)).IsOpen);
        Assert.True(hours.StateAt(new DateTimeOffset(2026, 11, 22, 22, 30, 0, TimeSpan.Zero)).IsOpen);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 22, 0, 0, TimeSpan.Zero),
            hours.StateAt(new DateTimeOffset(2026, 11, 22, 12, 30, 0, TimeSpan.Zero)).NextOpening);
    }

    [Fact]
    public void StateAt_InMaintenance_ReasonMaintenanceAndOpensAtItsEnd()
    {
        var options = new ServiceHoursOptions();
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(18, 1), End = Japan(18, 5), Reason = "core upgrade" });
        var hours = ServiceHours.FromOptions(options);

        Assert.True(hours.StateAt(Japan(18, 0, 59)).IsOpen);
        var state = hours.StateAt(Japan(18, 1));
        Assert.False(state.IsOpen);
        Assert.Equal(ClosedReason.Maintenance, state.Reason);
        Assert.Equal("core upgrade", state.Window!.Reason);
        Assert.Equal(Japan(18, 5), state.NextOpening);
        Assert.True(hours.StateAt(Japan(18, 5)).IsOpen);
    }

    [Fact]
    public void NextOpening_OverlappingWindowsAndClosedHours_SkipsEveryClosure()
    {
        var options = Realistic();

        // Sunday 20:00-22:00 runs into the weekly closure; a second window overlaps Monday's opening until 08:30,
        // and a third starts inside the second.
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(22, 20), End = Japan(22, 22), Reason = "a" });
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(23, 6), End = Japan(23, 8), Reason = "b" });
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(23, 7, 30), End = Japan(23, 8, 30), Reason = "c" });
        var hours = ServiceHours.FromOptions(options);

        var state = hours.StateAt(Japan(22, 20, 30));
        Assert.Equal(ClosedReason.Maintenance, state.Reason);
        Assert.Equal(Japan(23, 8, 30), state.NextOpening);
        Assert.Equal(ClosedReason.Maintenance, hours.StateAt(Japan(23, 7, 45)).Reason);
        Assert.Equal(Japan(23, 8, 30), hours.StateAt(Japan(23, 7, 45)).NextOpening);
        Assert.Equal(ClosedReason.OutsideHours, hours.StateAt(Japan(22, 23)).Reason);
    }

    [Fact]
    public void UpcomingMaintenance_CurrentFirstThenEarliestAndCountLimited()
    {
        var options = new ServiceHoursOptions();
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(30, 1), End = Japan(30, 2), Reason = "later" });
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(10, 1), End = Japan(10, 2), Reason = "past" });
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(20, 1), End = Japan(20, 3), Reason = "current" });
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(25, 1), End = Japan(25, 2), Reason = "next" });
        var hours = ServiceHours.FromOptions(options);

        Assert.Equal(["current", "next", "later"], hours.UpcomingMaintenance(Japan(20, 2), 10).Select(w => w.Reason));
        Assert.Equal(["current", "next"], hours.UpcomingMaintenance(Japan(20, 2), 2).Select(w => w.Reason));
    }

    [Fact]
    public void NextOpening_EveryDayClosed_Null()
    {
        var closed = new ServiceHoursOptions { Monday = "closed", Tuesday = "", Wednesday = "closed", Thursday = "closed", Friday = "closed", Saturday = "closed", Sunday = "closed" };
        var hours = ServiceHours.FromOptions(closed);

        var state = hours.StateAt(Japan(18, 12));
        Assert.False(state.IsOpen);
        Assert.Null(state.NextOpening);
    }

    [Theory]
    [InlineData("07:00-25:00")]
    [InlineData("21:00-07:00")]
    [InlineData("7:00-21:00")]
    [InlineData("07:00-21:60")]
    [InlineData("always")]
    public void Problems_MalformedDay_NamesTheKey(string monday)
    {
        var problems = ServiceHours.Problems(new ServiceHoursOptions { Monday = monday }).ToList();

        Assert.Contains(problems, p => p.Contains("BankLink:ServiceHours:Monday", StringComparison.Ordinal));
        Assert.Throws<FormatException>(() => ServiceHours.FromOptions(new ServiceHoursOptions { Monday = monday }));
    }

    [Fact]
    public void Problems_WindowEndingBeforeItStartsOrNonAsciiReason_Refused()
    {
        var options = new ServiceHoursOptions();
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(20, 3), End = Japan(20, 1) });
        options.Maintenance.Add(new MaintenanceWindowOptions { Start = Japan(20, 3), End = Japan(20, 4), Reason = "定期保守" });

        var problems = ServiceHours.Problems(options).ToList();

        Assert.Contains(problems, p => p.Contains("Maintenance:0 must end after", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Maintenance:1:Reason", StringComparison.Ordinal));
    }

    [Fact]
    public void HoursOn_OverlappingRangesMergedAndPrinted()
    {
        var hours = ServiceHours.FromOptions(new ServiceHoursOptions { Friday = "09:00-12:00,11:00-15:00,18:00-24:00" });

        Assert.Equal(["09:00-15:00", "18:00-24:00"], hours.HoursOn(DayOfWeek.Friday).Select(r => r.ToString()));
    }
}
