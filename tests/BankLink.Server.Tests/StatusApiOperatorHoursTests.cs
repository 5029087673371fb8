using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Data.Operations;
using BankLink.Data.Operations.ServiceHours;
using BankLink.Domain.Operators;
using BankLink.Domain.Time;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// GET /status shows the service hours operators saved (issue 6): on the node that saved them at once, on another node
/// within its refresh interval; withdrawn, the configured hours again.
/// </summary>
public sealed class StatusApiOperatorHoursTests : IAsyncLifetime
{
    private static readonly OperatorActor Admin = new(Guid.NewGuid(), "admin.sato", OperatorRole.Admin);

    private static readonly Dictionary<string, string?> Configured = new()
    {
        ["BankLink:ServiceHours:Sunday"] = "00:00-21:00",
        ["BankLink:ServiceHours:Monday"] = "07:00-24:00",
    };

    private readonly SchemaDatabase _database = new();

    /// <summary>Monday 2026-11-23 09:00 Japan time: open by configuration.</summary>
    private readonly SettableTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));

    private BankLinkApp _app = null!;
    private BankLinkApp _otherNode = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString, Configured, _clock);
        _otherNode = new BankLinkApp(_database.ConnectionString, Configured, _clock);
    }

    public async Task DisposeAsync()
    {
        await _otherNode.DisposeAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static async Task<JsonElement> StatusAsync(BankLinkApp app) =>
        await app.CreateClient().GetFromJsonAsync<JsonElement>(new Uri("/status", UriKind.Relative));

    private static ServiceHoursDocument MondayMorningClosed() => new(
        ServiceHoursDocument.Week.ToDictionary(d => d, d => d == DayOfWeek.Monday ? "10:00-24:00" : "00:00-24:00"),
        [new MaintenanceWindow(new DateTimeOffset(2026, 12, 31, 21, 0, 0, JapanTime.Offset), new DateTimeOffset(2027, 1, 1, 6, 0, 0, JapanTime.Offset), "year-end core maintenance")],
        OutsideHoursPolicy.Refuse);

    [Fact]
    public async Task Status_AfterAnOperatorSavesHours_ShowsThemOnEveryNode()
    {
        Assert.True((await StatusAsync(_app)).GetProperty("open").GetBoolean());
        Assert.True((await StatusAsync(_otherNode)).GetProperty("open").GetBoolean());

        await _app.Services.GetRequiredService<ServiceHoursOperations>().SaveAsync(Admin, MondayMorningClosed(), 0, "Ticket OPS-77: core batch moved", CancellationToken.None);

        var status = await StatusAsync(_app);
        Assert.False(status.GetProperty("open").GetBoolean());
        Assert.Equal("outside_hours", status.GetProperty("reason").GetString());
        Assert.Equal("2026-11-23T10:00:00+09:00", status.GetProperty("nextOpening").GetString());
        Assert.Equal(["10:00-24:00"], status.GetProperty("serviceHours").GetProperty("monday").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["00:00-24:00"], status.GetProperty("serviceHours").GetProperty("sunday").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("year-end core maintenance", Assert.Single(status.GetProperty("maintenance").EnumerateArray()).GetProperty("reason").GetString());

        // The other node rereads the row on its own within DatabaseServiceHours.RefreshInterval.
        var deadline = DateTime.UtcNow + DatabaseServiceHours.RefreshInterval + TimeSpan.FromSeconds(10);
        while ((await StatusAsync(_otherNode)).GetProperty("open").GetBoolean() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.False((await StatusAsync(_otherNode)).GetProperty("open").GetBoolean());

        await _app.Services.GetRequiredService<ServiceHoursOperations>().RevertToConfigurationAsync(Admin, 1, "Ticket OPS-78: batch back", CancellationToken.None);

        status = await StatusAsync(_app);
        Assert.True(status.GetProperty("open").GetBoolean());
        Assert.Equal(["07:00-24:00"], status.GetProperty("serviceHours").GetProperty("monday").EnumerateArray().Select(e => e.GetString()));
    }
}
