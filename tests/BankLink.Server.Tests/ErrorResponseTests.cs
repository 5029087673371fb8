using System.Net;
using System.Text;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>Every error of BankLink's own HTTP surface is an RFC 9457 problem; nothing leaks as a bare 500.</summary>
public sealed class ErrorResponseTests : IClassFixture<SchemaDatabase>, IAsyncLifetime
{
    private readonly BankLinkApp _app;

    public ErrorResponseTests(SchemaDatabase database)
    {
        _app = new BankLinkApp(database.ConnectionString);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/no-such-route")]
    [InlineData("/accounts/../../etc/passwd")]
    [InlineData("/%E3%81%82%E3%81%84")]
    [InlineData("/health/ready/extra")]
    public async Task UnknownRoute_404Problem(string path)
    {
        var response = await _app.CreateClient().GetAsync(new Uri(path, UriKind.Relative));

        await HttpAssertions.AssertProblemAsync(response, 404);
    }

    [Fact]
    public async Task WrongMethod_405Problem()
    {
        var response = await _app.CreateClient().PostAsync(new Uri("/", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));

        await HttpAssertions.AssertProblemAsync(response, 405);
    }

    [Fact]
    public async Task HandlerThrows_500ProblemWithoutInternalDetail_AndTheLogHasIt()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/_test/throw", UriKind.Relative));

        var problem = await HttpAssertions.AssertProblemAsync(response, 500);
        Assert.DoesNotContain("secret internal detail", problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains(_app.Logs.Entries, e => e.Contains("secret internal detail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DatabaseOutOfReach_503ProblemWithRetryAfter_NoInternalDetail()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/_test/database-down", UriKind.Relative));

        var problem = await HttpAssertions.AssertProblemAsync(response, 503);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        Assert.DoesNotContain("secret host", problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryResponse_CarriesBaselineSecurityHeaders()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }
}
