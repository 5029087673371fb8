using BankLink.Data.Operations.ServiceHours;
using BankLink.Domain.Time;
using Schedule = BankLink.Domain.Time.ServiceHours;

namespace BankLink.Data.Tests.Operations.ServiceHours;

/// <summary>"Next closure at … because …": the closure in progress, or the earlier of the weekly hours' end and the next window.</summary>
public sealed class ServiceClosureTests
{
    private static DateTimeOffset Japan(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, JapanTime.Offset);

    private static Schedule Hours(Action<ServiceHoursOptions> configure, params MaintenanceWindowOptions[] windows)
    {
        var options = new ServiceHoursOptions();
        configure(options);
        foreach (var window in windows)
        {
            options.Maintenance.Add(window);
        }

        return Schedule.FromOptions(options);
    }

    [Fact]
    public void Next_AlwaysOpenNoWindows_Null()
    {
        Assert.Null(ServiceClosure.Next(Schedule.AlwaysOpen, Japan(21, 12)));
    }

    [Fact]
    public void Next_OpenUntilSundayNight_ClosesThenUntilMondayMorning()
    {
        var hours = Hours(o => (o.Sunday, o.Monday) = ("00:00-21:00", "07:00-24:00"));

        // Saturday noon: Saturday runs to 24:00 and Sunday from 00:00, so the stretch ends Sunday 21:00.
        Assert.Equal(new ServiceClosure(Japan(22, 21), Japan(23, 7), ClosedReason.OutsideHours, null, false), ServiceClosure.Next(hours, Japan(21, 12)));
    }

    [Fact]
    public void Next_RangeEndingBeforeMidnight_ClosesThere()
    {
        var hours = Hours(o => o.Saturday = "08:00-12:00,13:00-20:00");

        Assert.Equal(new ServiceClosure(Japan(21, 12), Japan(21, 13), ClosedReason.OutsideHours, null, false), ServiceClosure.Next(hours, Japan(21, 9)));
        Assert.Equal(Japan(21, 20), ServiceClosure.Next(hours, Japan(21, 13, 30))!.Start);
    }

    [Fact]
    public void Next_WindowBeforeTheHoursEnd_MaintenanceWithItsReason()
    {
        var hours = Hours(o => o.Sunday = "00:00-21:00",
            new MaintenanceWindowOptions { Start = Japan(22, 2), End = Japan(22, 4), Reason = "core patch" });

        Assert.Equal(new ServiceClosure(Japan(22, 2), Japan(22, 4), ClosedReason.Maintenance, "core patch", false), ServiceClosure.Next(hours, Japan(21, 12)));
    }

    [Fact]
    public void Next_WindowAtTheHoursEnd_MaintenanceAndOpensAfterBoth()
    {
        var hours = Hours(o => (o.Sunday, o.Monday) = ("00:00-21:00", "07:00-24:00"),
            new MaintenanceWindowOptions { Start = Japan(22, 21), End = Japan(23, 9), Reason = "weekly batch overrun" });

        Assert.Equal(new ServiceClosure(Japan(22, 21), Japan(23, 9), ClosedReason.Maintenance, "weekly batch overrun", false), ServiceClosure.Next(hours, Japan(21, 12)));
    }

    [Fact]
    public void Next_ClosedNow_InProgressUntilTheNextOpening()
    {
        var hours = Hours(o => o.Saturday = "closed",
            new MaintenanceWindowOptions { Start = Japan(21, 11), End = Japan(21, 13), Reason = "core patch" });

        Assert.Equal(new ServiceClosure(Japan(21, 12), Japan(22, 0), ClosedReason.Maintenance, "core patch", true), ServiceClosure.Next(hours, Japan(21, 12)));
        Assert.Equal(new ServiceClosure(Japan(21, 14), Japan(22, 0), ClosedReason.OutsideHours, null, true), ServiceClosure.Next(hours, Japan(21, 14)));
    }
}
