using System.Net.Http.Headers;
using System.Text;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>
/// One line per request, and never a secret: not from the query, the headers or the body, at any level
/// (the capture sees every level, Debug and Trace included, not only what Serilog is set to write).
/// </summary>
public sealed class LoggingTests : IClassFixture<SchemaDatabase>, IAsyncLifetime
{
    private readonly BankLinkApp _app;

    public LoggingTests(SchemaDatabase database)
    {
        _app = new BankLinkApp(database.ConnectionString, new Dictionary<string, string?> { ["Serilog:MinimumLevel:Default"] = "Information" });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Request_LoggedOnceWithMethodPathStatusAndNoSecret()
    {
        const string secret = "bl_at_SuperSecretTokenValue123";
        var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/_test/read?code={secret}&password={secret}")
        {
            Content = new StringContent($"client_assertion={secret}&otp=123456", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", secret);
        request.Headers.Add("DPoP", secret);
        request.Headers.Add("Cookie", "session=" + secret);

        var response = await client.SendAsync(request);
        var requestId = response.Headers.GetValues("X-Request-Id").Single();

        var line = Assert.Single(_app.Logs.Entries, e => e.Contains("[6401]", StringComparison.Ordinal) && e.Contains("/_test/read", StringComparison.Ordinal));
        Assert.Contains("POST", line, StringComparison.Ordinal);
        Assert.Contains("responded 200", line, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Contains("otp=123456", StringComparison.Ordinal));
    }
}
