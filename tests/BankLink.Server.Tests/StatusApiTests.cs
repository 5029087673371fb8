using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>
/// GET /status (issue 5): service hours, open now, the next maintenance windows, so providers can schedule
/// (DOMAIN.md "Service hours and data freshness"). No token; never cached.
/// </summary>
public sealed class StatusApiTests : IAsyncLifetime
{
    private readonly SchemaDatabase _database = new();

    /// <summary>Sunday 2026-11-22 22:00 Japan time.</summary>
    private readonly SettableTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 13, 0, 0, TimeSpan.Zero));

    private BankLinkApp _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["BankLink:ServiceHours:Sunday"] = "00:00-21:00",
            ["BankLink:ServiceHours:Monday"] = "07:00-24:00",
            ["BankLink:ServiceHours:Saturday"] = "closed",
            ["BankLink:ServiceHours:OutsideHours"] = "ServeLastKnown",
            ["BankLink:ServiceHours:Maintenance:0:Start"] = "2026-11-29T01:00:00+09:00",
            ["BankLink:ServiceHours:Maintenance:0:End"] = "2026-11-29T05:00:00+09:00",
            ["BankLink:ServiceHours:Maintenance:0:Reason"] = "core system upgrade",
            ["BankLink:ServiceHours:Maintenance:1:Start"] = "2026-11-01T01:00:00+09:00",
            ["BankLink:ServiceHours:Maintenance:1:End"] = "2026-11-01T05:00:00+09:00",
            ["BankLink:ServiceHours:Maintenance:1:Reason"] = "already over",
        }, _clock);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/status", UriKind.Relative));
        return (response, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Fact]
    public async Task Status_Closed_NoTokenNeeded_ReasonNextOpeningHoursAndWindows()
    {
        var (response, body) = await GetAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(body.GetProperty("open").GetBoolean());
        Assert.Equal("outside_hours", body.GetProperty("reason").GetString());
        Assert.Equal("2026-11-23T07:00:00+09:00", body.GetProperty("nextOpening").GetString());
        Assert.Equal("2026-11-22T22:00:00+09:00", body.GetProperty("asOf").GetString());
        Assert.Equal("Asia/Tokyo", body.GetProperty("timeZone").GetString());
        Assert.Equal("serve_last_known", body.GetProperty("outsideHours").GetString());

        var hours = body.GetProperty("serviceHours");
        Assert.Equal(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], hours.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["07:00-24:00"], hours.GetProperty("monday").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["00:00-24:00"], hours.GetProperty("tuesday").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(hours.GetProperty("saturday").EnumerateArray());

        var window = Assert.Single(body.GetProperty("maintenance").EnumerateArray());
        Assert.Equal("2026-11-29T01:00:00+09:00", window.GetProperty("start").GetString());
        Assert.Equal("2026-11-29T05:00:00+09:00", window.GetProperty("end").GetString());
        Assert.Equal("core system upgrade", window.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Status_OpenAndInMaintenance()
    {
        _clock.Set(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.FromHours(9)).ToUniversalTime());
        var (_, open) = await GetAsync();
        Assert.True(open.GetProperty("open").GetBoolean());
        Assert.Equal(JsonValueKind.Null, open.GetProperty("reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, open.GetProperty("nextOpening").ValueKind);

        _clock.Set(new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.FromHours(9)).ToUniversalTime());
        var (_, maintenance) = await GetAsync();
        Assert.False(maintenance.GetProperty("open").GetBoolean());
        Assert.Equal("maintenance", maintenance.GetProperty("reason").GetString());
        Assert.Equal("2026-11-29T05:00:00+09:00", maintenance.GetProperty("nextOpening").GetString());
    }

    [Fact]
    public async Task Startup_MalformedServiceHours_Refused()
    {
        await using var app = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?> { ["BankLink:ServiceHours:Monday"] = "21:00-07:00" });

        var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("BankLink:ServiceHours", failure.ToString(), StringComparison.Ordinal);
    }
}
