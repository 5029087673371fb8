using System.Net;

namespace BankLink.Server.Tests.Admin;

/// <summary>Service hours over the admin API (issue 6 "Service hours and maintenance windows: view and edit, with the next closure shown").</summary>
public sealed class AdminServiceHoursApiTests : AdminApiTestBase
{
    private static object Document(string sunday = "closed", string outsideHours = "refuse") => new
    {
        monday = "08:00-21:00",
        tuesday = "08:00-21:00",
        wednesday = "08:00-21:00",
        thursday = "08:00-21:00",
        friday = "08:00-21:00",
        saturday = "09:00-17:00",
        sunday,
        outsideHours,
        maintenance = new[] { new { start = "2099-01-02T01:00:00+09:00", end = "2099-01-02T05:00:00+09:00", reason = "Core system upgrade" } },
    };

    [Fact]
    public async Task Get_Save_Revert_VersionedAndInForce()
    {
        var start = await GetAsync("GetServiceHours", "/admin/v1/service-hours", Viewer);
        Assert.Equal(HttpStatusCode.OK, start.Status);
        Assert.Equal("configuration", start.Json.GetProperty("origin").GetString());
        var version = start.Json.GetProperty("version").GetInt64();

        AssertRefused(await SendAsync("SaveServiceHours", HttpMethod.Put, "/admin/v1/service-hours", Operator,
            new { reason = "new opening hours from April", expectedVersion = version, document = Document() }), HttpStatusCode.Forbidden, "forbidden");
        var saved = await SendAsync("SaveServiceHours", HttpMethod.Put, "/admin/v1/service-hours", Admin,
            new { reason = "new opening hours from April", expectedVersion = version, document = Document() });

        Assert.Equal(HttpStatusCode.OK, saved.Status);
        var hours = saved.Json.GetProperty("serviceHours");
        Assert.Equal("operators", hours.GetProperty("origin").GetString());
        Assert.Equal("09:00-17:00", hours.GetProperty("document").GetProperty("saturday").GetString());
        Assert.Equal("Core system upgrade", hours.GetProperty("upcomingMaintenance")[0].GetProperty("reason").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, hours.GetProperty("nextClosure").ValueKind);
        var newVersion = hours.GetProperty("version").GetInt64();
        Assert.True(newVersion > version);

        // Made on the old version: refused, not lost.
        AssertRefused(await SendAsync("SaveServiceHours", HttpMethod.Put, "/admin/v1/service-hours", Admin,
            new { reason = "open on Sundays too", expectedVersion = version, document = Document(sunday: "10:00-16:00") }), HttpStatusCode.Conflict, "conflict");

        var shown = await GetAsync("GetServiceHours", "/admin/v1/service-hours", Viewer);
        Assert.Equal(newVersion, shown.Json.GetProperty("version").GetInt64());

        AssertRefused(await PostAsync("RevertServiceHours", "/admin/v1/service-hours/revert", Admin, new { reason = "back to the defaults", expectedVersion = version }),
            HttpStatusCode.Conflict, "conflict");
        var reverted = await PostAsync("RevertServiceHours", "/admin/v1/service-hours/revert", Admin, new { reason = "back to the defaults", expectedVersion = newVersion });
        Assert.Equal(HttpStatusCode.OK, reverted.Status);
        Assert.Equal("configuration", reverted.Json.GetProperty("serviceHours").GetProperty("origin").GetString());
    }

    [Fact]
    public async Task Save_InvalidDocument_400ListsEveryProblem_NoVersion400()
    {
        var version = (await GetAsync("GetServiceHours", "/admin/v1/service-hours", Viewer)).Json.GetProperty("version").GetInt64();
        var bad = new
        {
            monday = "25:00-26:00",
            tuesday = "08:00-21:00",
            wednesday = "08:00-21:00",
            thursday = "08:00-21:00",
            friday = "08:00-21:00",
            saturday = "09:00-17:00",
            outsideHours = "sometimes",
            maintenance = new[] { new { start = "2099-01-02T05:00:00+09:00", end = "2099-01-02T01:00:00+09:00", reason = "メンテナンス" } },
        };

        var refused = await SendAsync("SaveServiceHours", HttpMethod.Put, "/admin/v1/service-hours", Admin,
            new { reason = "new opening hours from April", expectedVersion = version, document = bad });

        AssertRefused(refused, HttpStatusCode.BadRequest, "invalid_request");
        var problems = refused.Json.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Contains(problems, p => p.StartsWith("monday", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("sunday", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("outsideHours", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("maintenance[0]", StringComparison.Ordinal));
        AssertRefused(await SendAsync("SaveServiceHours", HttpMethod.Put, "/admin/v1/service-hours", Admin, new { reason = "new opening hours", document = Document() }),
            HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await SendAsync("SaveServiceHours", HttpMethod.Put, "/admin/v1/service-hours", Admin, new { reason = "new opening hours", expectedVersion = version }),
            HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await SendAsync("SaveServiceHours", HttpMethod.Put, "/admin/v1/service-hours", Admin, "{\"reason\":\"x\",\"expectedVersion\":\"1\"}"),
            HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await PostAsync("RevertServiceHours", "/admin/v1/service-hours/revert", Admin, new { reason = "nothing to revert", expectedVersion = version }),
            HttpStatusCode.Conflict, "conflict");
    }
}
