using System.Text.Json.Nodes;
using BankLink.CoreBanking;
using BankLink.Data.Operations;
using BankLink.Data.Operations.ServiceHours;
using BankLink.Domain.Time;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using static BankLink.Data.Tests.Operations.Providers.ProviderTestData;

namespace BankLink.Data.Tests.Operations.ServiceHours;

/// <summary>
/// Operators edit the service hours: the saved document overrides configuration (closed Sunday 21:00 to Monday 07:00
/// here), on this node at once and on another at its next read; every change is audited with before and after.
/// </summary>
public sealed class ServiceHoursOperationsTests : IAsyncLifetime
{
    /// <summary>Saturday 2026-11-21 12:00 Japan time.</summary>
    private readonly SettableTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 12, 0, 0, JapanTime.Offset).ToUniversalTime());
    private readonly SchemaDatabase _database = new();
    private ServiceProvider _services = null!;

    private ServiceHoursOperations Operations => _services.GetRequiredService<ServiceHoursOperations>();

    private IServiceHoursSource Source => _services.GetRequiredService<IServiceHoursSource>();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _services = Build();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>The services of one node, configured to close Sunday 21:00 to Monday 07:00.</summary>
    private ServiceProvider Build() => BankLinkServices.Build(_database.ConnectionString, _clock, services => services.Configure<ServiceHoursOptions>(o =>
    {
        o.Sunday = "00:00-21:00";
        o.Monday = "07:00-24:00";
    }));

    private static DateTimeOffset Japan(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, JapanTime.Offset);

    /// <summary>Weekdays 08:00-20:00, weekends closed, a year-end window, stale data served while closed.</summary>
    private static ServiceHoursDocument Edited(params MaintenanceWindow[] windows) => new(
        ServiceHoursDocument.Week.ToDictionary(d => d, d => d is DayOfWeek.Saturday or DayOfWeek.Sunday ? "closed" : "08:00-20:00"),
        windows.Length > 0 ? windows : [new MaintenanceWindow(Japan(12, 31, 21), Japan(12, 31, 23, 59).AddMinutes(1).AddHours(6), "year-end core maintenance")],
        OutsideHoursPolicy.ServeLastKnown);

    private async Task<JsonObject> LastDetailAsync()
    {
        var text = await _database.ScalarAsync<string>("SELECT detail FROM audit_events WHERE event_type = 'service_hours_changed' ORDER BY id DESC LIMIT 1");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Get_NothingSaved_ConfigurationAndItsNextClosure()
    {
        var view = await Operations.GetAsync(Viewer, CancellationToken.None);

        Assert.Equal((0L, ServiceHoursOrigin.Configuration), (view.Version, view.Origin));
        Assert.Equal("00:00-21:00", view.Document.Weekly[DayOfWeek.Sunday]);
        Assert.Equal("07:00-24:00", view.Document.Weekly[DayOfWeek.Monday]);
        Assert.True(view.StateNow.IsOpen);
        Assert.Equal(new ServiceClosure(Japan(11, 22, 21), Japan(11, 23, 7), ClosedReason.OutsideHours, null, false), view.NextClosure);
        Assert.Equal("Next closure at 2026-11-22 21:00 (Japan time) because of the weekly service hours, until 2026-11-23 07:00 (Japan time).",
            ServiceHoursOperations.Describe(view.NextClosure));
    }

    [Fact]
    public async Task Save_OverridesConfigurationHereAtOnceAndOnAnotherNodeAtItsNextRead()
    {
        await using var otherNode = Build();
        var other = otherNode.GetRequiredService<DatabaseServiceHours>();
        await other.RefreshAsync(CancellationToken.None);

        var view = await Operations.SaveAsync(Admin, Edited(), 0, Reason, CancellationToken.None);

        Assert.Equal((1L, ServiceHoursOrigin.Operators, Admin.LoginId), (view.Version, view.Origin, view.UpdatedBy));
        Assert.False(view.StateNow.IsOpen);
        Assert.Equal(new ServiceClosure(_clock.GetUtcNow(), Japan(11, 23, 8), ClosedReason.OutsideHours, null, true), view.NextClosure);
        Assert.Equal("year-end core maintenance", Assert.Single(view.UpcomingMaintenance).Reason);
        Assert.Same(Source, _services.GetRequiredService<DatabaseServiceHours>());
        Assert.Empty(Source.Current.HoursOn(DayOfWeek.Saturday));
        Assert.Equal(OutsideHoursPolicy.ServeLastKnown, Source.Current.OutsideHours);

        // Another node keeps what it read until its next refresh (at most DatabaseServiceHours.RefreshInterval).
        Assert.Equal("00:00-24:00", other.Current.HoursOn(DayOfWeek.Saturday).Single().ToString());
        await other.RefreshAsync(CancellationToken.None);
        Assert.Empty(other.Current.HoursOn(DayOfWeek.Saturday));
        Assert.Equal(1, other.Loaded!.Version);
    }

    [Fact]
    public async Task Save_AuditedWithBeforeAndAfter()
    {
        await Operations.SaveAsync(Admin, Edited(), 0, Reason, CancellationToken.None);

        var detail = await LastDetailAsync();
        Assert.Equal(Reason, (string?)detail["reason"]);
        Assert.Equal(1, (int)detail["version"]!);
        Assert.Equal("configuration", (string?)detail["before"]!["origin"]);
        Assert.Equal("00:00-21:00", (string?)detail["before"]!["sunday"]);
        Assert.Equal("operators", (string?)detail["after"]!["origin"]);
        Assert.Equal("closed", (string?)detail["after"]!["saturday"]);
        Assert.Equal("serve_last_known", (string?)detail["after"]!["outsideHours"]);
        Assert.Equal("2026-12-31T21:00:00+09:00", (string?)detail["after"]!["maintenance"]![0]!["start"]);
        Assert.Equal(1, await _database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE event_type = 'service_hours_changed' AND actor_kind = 'operator' AND actor_id = $1", Admin.LoginId));
    }

    [Fact]
    public async Task Save_StaleVersionOrSameDocument_Conflict()
    {
        await Operations.SaveAsync(Admin, Edited(), 0, Reason, CancellationToken.None);

        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.SaveAsync(Admin, Edited() with { OutsideHours = OutsideHoursPolicy.Refuse }, 0, Reason, CancellationToken.None))).Code);
        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.SaveAsync(Admin, Edited(), 1, Reason, CancellationToken.None))).Code);
        Assert.Equal(1, (await Operations.GetAsync(Viewer, CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Save_NormalisesRangesWindowsAndReasons()
    {
        var document = Edited(
            new MaintenanceWindow(Japan(12, 31, 21).ToUniversalTime(), Japan(12, 31, 23), "  later  "),
            new MaintenanceWindow(Japan(12, 1, 2), Japan(12, 1, 4), "earlier"));
        document = document with { Weekly = document.Weekly.ToDictionary(p => p.Key, p => p.Key == DayOfWeek.Monday ? "13:00-20:00, 07:00-12:00" : p.Value) };

        var view = await Operations.SaveAsync(Admin, document, 0, Reason, CancellationToken.None);

        Assert.Equal("07:00-12:00,13:00-20:00", view.Document.Weekly[DayOfWeek.Monday]);
        Assert.Equal(["earlier", "later"], view.Document.Maintenance.Select(w => w.Reason));
        Assert.Equal(JapanTime.Offset, view.Document.Maintenance[1].Start.Offset);
    }

    public static TheoryData<string, ServiceHoursDocument> Invalid()
    {
        var valid = Edited();
        ServiceHoursDocument Day(DayOfWeek day, string hours) => valid with { Weekly = valid.Weekly.ToDictionary(p => p.Key, p => p.Key == day ? hours : p.Value) };
        ServiceHoursDocument Window(MaintenanceWindow window) => valid with { Maintenance = [window] };
        return new TheoryData<string, ServiceHoursDocument>
        {
            { "monday", Day(DayOfWeek.Monday, "8:00-20:00") },
            { "monday", Day(DayOfWeek.Monday, "20:00-08:00") },
            { "monday", Day(DayOfWeek.Monday, "08:00-24:30") },
            { "monday", Day(DayOfWeek.Monday, "08:00-12:00,11:00-13:00") },
            { "monday", Day(DayOfWeek.Monday, string.Join(",", Enumerable.Range(0, 9).Select(h => $"{h:00}:00-{h:00}:30"))) },
            { "tuesday", valid with { Weekly = valid.Weekly.Where(p => p.Key != DayOfWeek.Tuesday).ToDictionary() } },
            { "maintenance[0]", Window(new MaintenanceWindow(Japan(12, 1, 4), Japan(12, 1, 2), "backwards")) },
            { "maintenance[0]", Window(new MaintenanceWindow(Japan(12, 1, 4), Japan(12, 1, 4), "empty")) },
            { "maintenance[0]", Window(new MaintenanceWindow(default, Japan(12, 1, 4), "no start")) },
            { "maintenance[0].reason", Window(new MaintenanceWindow(Japan(12, 1, 2), Japan(12, 1, 4), "システム保守")) },
            { "maintenance[0].reason", Window(new MaintenanceWindow(Japan(12, 1, 2), Japan(12, 1, 4), new string('x', 201))) },
            { "maintenance[0].reason", Window(new MaintenanceWindow(Japan(12, 1, 2), Japan(12, 1, 4), " ")) },
            { "maintenance:", valid with { Maintenance = [.. Enumerable.Range(0, 101).Select(i => new MaintenanceWindow(Japan(12, 1, 0).AddHours(i), Japan(12, 1, 0).AddHours(i).AddMinutes(30), "w"))] } },
            { "outsideHours", valid with { OutsideHours = (OutsideHoursPolicy)7 } },
        };
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Save_InvalidDocument_InvalidRequestNamingTheField(string field, ServiceHoursDocument document)
    {
        Assert.Contains(ServiceHoursOperations.Validate(document), p => p.StartsWith(field, StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.SaveAsync(Admin, document, 0, Reason, CancellationToken.None));

        Assert.Equal("invalid_request", error.Code);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await Operations.GetAsync(Viewer, CancellationToken.None)).Version);
    }

    [Fact]
    public async Task Save_HundredWindowsAndLongestReason_Accepted()
    {
        var windows = Enumerable.Range(0, 100).Select(i => new MaintenanceWindow(Japan(12, 1, 0).AddHours(i), Japan(12, 1, 0).AddHours(i).AddMinutes(30), new string('x', 200))).ToArray();

        var view = await Operations.SaveAsync(Admin, Edited(windows), 0, Reason, CancellationToken.None);

        Assert.Equal(100, view.Document.Maintenance.Count);
        Assert.Equal(ServiceHoursOperations.UpcomingShown, view.UpcomingMaintenance.Count);
    }

    [Fact]
    public async Task Revert_ConfigurationAppliesAgain_TwiceConflict()
    {
        await Operations.SaveAsync(Admin, Edited(), 0, Reason, CancellationToken.None);

        var view = await Operations.RevertToConfigurationAsync(Admin, 1, Reason, CancellationToken.None);

        Assert.Equal((2L, ServiceHoursOrigin.Configuration), (view.Version, view.Origin));
        Assert.Equal("00:00-21:00", Source.Current.HoursOn(DayOfWeek.Sunday).Single().ToString());
        Assert.Equal("configuration", (string?)(await LastDetailAsync())["after"]!["origin"]);
        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RevertToConfigurationAsync(Admin, 2, Reason, CancellationToken.None))).Code);
    }

    [Fact]
    public async Task Edits_RoleOrReason_Refused()
    {
        Assert.Equal("forbidden", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.SaveAsync(Operator, Edited(), 0, Reason, CancellationToken.None))).Code);
        Assert.Equal("forbidden", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RevertToConfigurationAsync(Viewer, 0, Reason, CancellationToken.None))).Code);
        Assert.Equal("forbidden", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.GetAsync(Nobody, CancellationToken.None))).Code);
        Assert.Equal("invalid_reason", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.SaveAsync(Admin, Edited(), 0, "why", CancellationToken.None))).Code);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'service_hours_changed'"));
    }

    [Fact]
    public async Task Source_UnreadableDocument_KeepsWhatIsInForce()
    {
        await Operations.SaveAsync(Admin, Edited(), 0, Reason, CancellationToken.None);
        await _database.ExecuteAsync("""UPDATE service_hours SET version = 5, document = '{"monday": "never"}'""");

        await Assert.ThrowsAsync<FormatException>(() => _services.GetRequiredService<DatabaseServiceHours>().RefreshAsync(CancellationToken.None));

        Assert.Empty(Source.Current.HoursOn(DayOfWeek.Saturday));
    }
}
