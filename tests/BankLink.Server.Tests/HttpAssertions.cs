using System.Net.Http.Json;
using System.Text.Json;

namespace BankLink.Server.Tests;

internal static class HttpAssertions
{
    /// <summary>Asserts an RFC 9457 problem response of the given status, carrying the response's request id.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Equal($"https://developer.banklink.example/problems/{status}", problem.GetProperty("type").GetString());
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
        return problem;
    }
}
