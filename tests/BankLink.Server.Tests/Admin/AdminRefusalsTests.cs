using BankLink.CoreBanking;
using BankLink.Data.Operations;
using BankLink.Server.Apis.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BankLink.Server.Tests.Admin;

/// <summary>The admin API's mapping of refusals to problems, for the cases the sandbox bank cannot produce on demand (the core away).</summary>
public sealed class AdminRefusalsTests
{
    private static async Task<(ProblemHttpResult Problem, HttpContext Http)> RefuseAsync(Exception thrown)
    {
        var http = new DefaultHttpContext();
        var result = await new AdminRefusals().InvokeAsync(new DefaultEndpointFilterInvocationContext(http), _ => throw thrown);
        return (Assert.IsType<ProblemHttpResult>(result), http);
    }

    [Fact]
    public async Task CoreUnavailable_503WithReasonAndRetryAfter()
    {
        var (problem, http) = await RefuseAsync(new CoreUnavailableException(CoreUnavailableReason.Maintenance, TimeSpan.FromSeconds(90.2)));

        Assert.Equal(503, problem.StatusCode);
        Assert.Equal("temporarily_unavailable", problem.ProblemDetails.Extensions["error"]);
        Assert.Equal("maintenance", problem.ProblemDetails.Extensions["reason"]);
        Assert.Equal("91", http.Response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [InlineData("not_found", 404)]
    [InlineData("forbidden", 403)]
    [InlineData("invalid_reason", 400)]
    [InlineData("invalid_request", 400)]
    [InlineData("conflict", 409)]
    [InlineData("same_operator", 409)]
    public async Task OperationRefused_StatusPerCode(string code, int status)
    {
        var (problem, _) = await RefuseAsync(new OperationRefusedException(code, "refused"));

        Assert.Equal(status, problem.StatusCode);
        Assert.Equal(code, problem.ProblemDetails.Extensions["error"]);
        Assert.Equal("refused", problem.ProblemDetails.Detail);
    }

    [Fact]
    public async Task AnythingElse_NotTurnedIntoAProblemHere()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => RefuseAsync(new InvalidOperationException("a bug")));
    }
}
