using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Domain.Operators;
using BankLink.Server.Operators;
using BankLink.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// The admin API's authentication: <c>Authorization: Bearer blak_…</c> keys (RFC 6750 §2.1) for paths under /admin/,
/// 401 problems with <c>WWW-Authenticate: Bearer</c> (RFC 6750 §3.1) for a missing, unknown, revoked or expired key or an
/// inactive operator, and 403 problems when the operator's role is too low.
/// </summary>
public sealed class AdminApiAuthenticationTests : IAsyncLifetime
{
    private const string AdminOnlyPath = "/admin/v1/_test/admin-only";
    private readonly SchemaDatabase _database = new();
    private WebApplicationFactory<Program> _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();

        // An admin-only endpoint behind the real pipeline, for the 403 (the admin API's own endpoints come with their areas).
        _app = new BankLinkApp(_database.ConnectionString).WithWebHostBuilder(builder =>
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, AdminOnlyEndpoint>()));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Task<HttpResponseMessage> MeAsync(string? key) => OperatorTestAccounts.ApiClient(_app, key).GetAsync(new Uri("/admin/v1/me", UriKind.Relative));

    /// <summary>Asserts an RFC 9457 problem of <paramref name="status"/> and returns it.</summary>
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("requestId", out _));
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        return problem;
    }

    [Fact]
    public async Task Me_WithAValidKey_AnswersTheOperatorsLoginIdAndRole()
    {
        var viewer = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer, "reporting.bot");

        var response = await MeAsync(viewer.ApiKey);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reporting.bot", body.GetProperty("loginId").GetString());
        Assert.Equal("viewer", body.GetProperty("role").GetString());
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await _database.ScalarAsync<DateTime?>("SELECT last_used_at FROM operator_api_keys WHERE operator_id = $1", viewer.Id));
    }

    [Fact]
    public async Task Me_WithoutKey_401BearerChallengeWithoutErrorCode()
    {
        var response = await MeAsync(null);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.DoesNotContain("error=", challenge.Parameter, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer blak_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer not-a-key")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    public async Task Me_WithABadKey_401InvalidToken(string authorization)
    {
        var client = OperatorTestAccounts.ApiClient(_app, null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/me");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_WithARevokedOrExpiredKeyOrADisabledOperator_401()
    {
        var revokedOwner = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var expiredOwner = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var disabledOwner = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var command = Data.Operations.OperatorActor.Command("tests");
        var keys = _app.Services.GetRequiredService<Data.Operators.OperatorApiKeys>();
        var revokedId = await _database.ScalarAsync<Guid>("SELECT id FROM operator_api_keys WHERE operator_id = $1", revokedOwner.Id);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(revokedOwner.ApiKey)).StatusCode);

        await keys.RevokeAsync(command, revokedId, "no longer needed", CancellationToken.None);
        await _database.ExecuteAsync(
            "UPDATE operator_api_keys SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' WHERE operator_id = $1", expiredOwner.Id);
        await _app.Services.GetRequiredService<Data.Operators.OperatorStore>().DisableAsync(command, disabledOwner.Id, "left the bank", CancellationToken.None);

        await AssertProblemAsync(await MeAsync(revokedOwner.ApiKey), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await MeAsync(expiredOwner.ApiKey), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await MeAsync(disabledOwner.ApiKey), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AdminOnly_LowerRole403_AdminAllowed()
    {
        var viewer = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer);
        var operatorAccount = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Operator);
        var admin = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);

        var asViewer = await OperatorTestAccounts.ApiClient(_app, viewer.ApiKey).GetAsync(new Uri(AdminOnlyPath, UriKind.Relative));
        var asOperator = await OperatorTestAccounts.ApiClient(_app, operatorAccount.ApiKey).GetAsync(new Uri(AdminOnlyPath, UriKind.Relative));
        var asAdmin = await OperatorTestAccounts.ApiClient(_app, admin.ApiKey).GetAsync(new Uri(AdminOnlyPath, UriKind.Relative));
        var anonymous = await OperatorTestAccounts.ApiClient(_app, null).GetAsync(new Uri(AdminOnlyPath, UriKind.Relative));

        await AssertProblemAsync(asViewer, HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", (await AssertProblemAsync(asOperator, HttpStatusCode.Forbidden)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(admin.LoginId, await asAdmin.Content.ReadAsStringAsync());
        await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    /// <summary>GET /admin/v1/_test/admin-only: the admin policy and the operator's login ID, behind the real middleware.</summary>
    private sealed class AdminOnlyEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);

            // MapWhen keeps the request's path as it came (unlike Map), so the operator scheme sees an /admin/ path.
            app.MapWhen(context => context.Request.Path.StartsWithSegments(AdminOnlyPath, StringComparison.Ordinal), branch =>
            {
                branch.UseRouting();
                branch.UseAuthorization();
                branch.UseEndpoints(endpoints => endpoints
                    .MapGet(AdminOnlyPath, (HttpContext http) => http.RequireOperator().LoginId)
                    .RequireAuthorization(OperatorPolicies.Admin));
            });
        };
    }
}
