using System.Net;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>The resource API's per-client rate limit (issue 5: 429 with Retry-After), with a tiny bucket from configuration; and its refusal while the service is closed.</summary>
public sealed class ResourceApiRateLimitTests : IAsyncLifetime
{
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["BankLink:ResourceApi:RateLimit:BurstLimit"] = "2",
            ["BankLink:ResourceApi:RateLimit:TokensPerPeriod"] = "1",
            ["BankLink:ResourceApi:RateLimit:Period"] = "01:00:00",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task RateLimit_BucketUsedUp_429WithRetryAfter_OtherClientsUnaffected()
    {
        var provider = await ProviderClient.RegisterAsync(_app);
        var other = await ProviderClient.RegisterAsync(_app);
        var token = await ResourceApiTests.LinkAsync(provider, "ito06", 1);
        var otherToken = await ResourceApiTests.LinkAsync(other, "ito06", 1);

        Assert.Equal(HttpStatusCode.OK, (await ResourceApiTests.CallAsync(provider, "ListAccounts", "/accounts", token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await ResourceApiTests.CallAsync(provider, "ListAccounts", "/accounts", token)).Status);
        var refused = await ResourceApiTests.CallAsync(provider, "ListAccounts", "/accounts", token);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("rate_limited", refused.Json.GetProperty("error").GetString());
        Assert.Equal("BL2714", refused.Json.GetProperty("errorId").GetString());
        Assert.InRange(refused.Message.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await ResourceApiTests.CallAsync(other, "ListAccounts", "/accounts", otherToken)).Status);
    }

    [Fact]
    public async Task ServiceHours_ClosedEveryDay_503TemporarilyUnavailableWithReason()
    {
        var closed = new Dictionary<string, string?>();
        foreach (var day in Enum.GetNames<DayOfWeek>())
        {
            closed["BankLink:ServiceHours:" + day] = "closed";
        }

        await using var app = new BankLinkApp(_database.ConnectionString, closed);
        var provider = await ProviderClient.RegisterAsync(app);
        var token = await ResourceApiTests.LinkAsync(provider, "ito06", 1);

        var refused = await ResourceApiTests.CallAsync(provider, "ListAccounts", "/accounts", token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("temporarily_unavailable", refused.Json.GetProperty("error").GetString());
        Assert.Equal("outside_hours", refused.Json.GetProperty("reason").GetString());
    }
}
