using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.CoreBanking;
using BankLink.Domain.Accounts;
using BankLink.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// FAPI Grant Management §5.2 and §5.3 through the real pipeline: a provider sends the customer back with
/// grant_management_action merge or replace and the grant_id it holds; the same grant is updated, and ends
/// nothing the customer did not take away.
/// </summary>
public sealed class GrantUpdateFlowTests : IAsyncLifetime
{
    private const string Verifier = "verifier-that-is-long-enough-to-be-a-real-pkce-verifier";
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;
    private IReadOnlyList<CoreAccount> _tanaka = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _provider = await ProviderClient.RegisterAsync(_app, "openid balance transactions grant_management_query grant_management_revoke",
            ["authorization_code", "refresh_token", "client_credentials"]);
        _tanaka = [.. (await _app.Services.GetRequiredService<ICoreBankingGateway>().GetAccountsAsync("1000000001", CancellationToken.None)).Where(a => a.IsLinkable)];
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Guid Ordinary => _tanaka.Single(a => a.Kind == AccountKind.Ordinary).Id;

    private Guid Savings => _tanaka.Single(a => a.Kind == AccountKind.Savings).Id;

    private static Task<HttpResponseMessage> PushAsync(ProviderClient provider, string scope, string? action = null, string? grantId = null)
    {
        var parameters = provider.ParParameters();
        parameters.RemoveAll(p => p.Key == "scope");
        parameters.Add(new("scope", scope));
        if (action is not null)
        {
            parameters.Add(new("grant_management_action", action));
        }

        if (grantId is not null)
        {
            parameters.Add(new("grant_id", grantId));
        }

        return provider.PushAsync(parameters);
    }

    private async Task<string> RequestUriAsync(string scope, string? action = null, string? grantId = null)
    {
        var response = await PushAsync(_provider, scope, action, grantId);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
    }

    /// <summary>A browser: logs in, opens the consent page, then approves with <paramref name="accounts"/> ticked, or denies.</summary>
    private async Task<(string Page, HttpResponseMessage Answer)> ConsentAsync(string requestUri, Guid[] accounts, bool deny = false, string loginId = "tanaka01", string password = "Sandbox-Tanaka-01")
    {
        var browser = await CustomerBrowser.LoggedInAsync(_app, loginId, password);
        var consent = await browser.GetAsync(new Uri($"/consent?client_id={_provider.ClientId}&request_uri={Uri.EscapeDataString(requestUri)}", UriKind.Relative));
        var page = await consent.Content.ReadAsStringAsync();
        if (consent.StatusCode != HttpStatusCode.OK)
        {
            return (page, consent);
        }

        var answer = await browser.PostAsync(new Uri("/consent", UriKind.Relative), new FormUrlEncodedContent(
            [new("client_id", _provider.ClientId), new("request_uri", requestUri), .. accounts.Select(a => new KeyValuePair<string, string>("account", a.ToString())),
             deny ? new("deny", "deny") : new("approve", "approve"), new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(consent))]));
        return (page, answer);
    }

    private async Task<JsonElement> ExchangeAsync(HttpResponseMessage approved)
    {
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var code = System.Web.HttpUtility.ParseQueryString(approved.Headers.Location!.Query)["code"]!;
        var response = await _provider.PostAsync("/connect/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", ProviderClient.RedirectUri), new("code_verifier", Verifier)],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A first link (create): the token response.</summary>
    private async Task<JsonElement> LinkAsync(string scope, params Guid[] accounts) =>
        await ExchangeAsync((await ConsentAsync(await RequestUriAsync(scope), accounts)).Answer);

    private async Task<JsonElement> QueryGrantAsync(string grantId)
    {
        var token = (await (await _provider.PostAsync("/connect/token", [new("grant_type", "client_credentials"), new("scope", "grant_management_query grant_management_revoke")],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        var response = await _provider.CallResourceAsync(HttpMethod.Get, "/grants/" + grantId, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> RefreshAsync(JsonElement tokens) =>
        await _provider.PostAsync("/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", tokens.GetProperty("refresh_token").GetString()!)],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));

    private static async Task AssertErrorAsync(HttpResponseMessage response, string error, string id)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal("https://developer.banklink.example/errors/" + id, body.GetProperty("error_uri").GetString());
    }

    private static string[] Accounts(JsonElement grant) => [.. grant.GetProperty("accounts").EnumerateArray().Select(a => a.GetString()!).Order(StringComparer.Ordinal)];

    private static string[] Ids(params Guid[] accounts) => [.. accounts.Select(a => a.ToString()).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Merge_AddsAnAccountAndAFunction_SameGrantIdAndTheQueryShowsTheUnion_Section5Point2()
    {
        var first = await LinkAsync("openid balance", Ordinary);
        var grantId = first.GetProperty("grant_id").GetString()!;
        var expiresBefore = await _database.ScalarAsync<DateTime>("SELECT expires_at FROM grants WHERE id = $1", Guid.Parse(grantId));

        var (page, approved) = await ConsentAsync(await RequestUriAsync("openid transactions", "merge", grantId), [Savings]);
        var merged = await ExchangeAsync(approved);

        // The page says it updates a link, with the grant's account ticked and kept, and the functions after the merge.
        Assert.Contains("すでにある連携を更新します。", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{Ordinary}\" checked=\"checked\" disabled=\"disabled\"", page, StringComparison.Ordinal);
        Assert.Contains($"name=\"account\" value=\"{Savings}\">", page, StringComparison.Ordinal);
        Assert.Contains("入出金明細照会", page, StringComparison.Ordinal);

        Assert.Equal(grantId, merged.GetProperty("grant_id").GetString());
        Assert.Equal("openid balance transactions", merged.GetProperty("scope").GetString());
        var grant = await QueryGrantAsync(grantId);
        Assert.Equal(Ids(Ordinary, Savings), Accounts(grant));
        Assert.Equal("openid balance transactions", grant.GetProperty("scopes")[0].GetProperty("scope").GetString());
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM grants WHERE client_id = $1", _provider.ClientId));
        Assert.True(await _database.ScalarAsync<DateTime>("SELECT expires_at FROM grants WHERE id = $1", Guid.Parse(grantId)) >= expiresBefore);

        // The earlier refresh token is invalidated (the draft's merge rule); the earlier access token carries a
        // part of what the grant now allows and lives out its minutes; the new refresh token works.
        Assert.EndsWith("BL2521", (await (await RefreshAsync(first)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", first.GetProperty("access_token").GetString()!)).StatusCode);
        var refreshed = await (await RefreshAsync(merged)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(grantId, refreshed.GetProperty("grant_id").GetString());
        Assert.Equal("openid balance transactions", refreshed.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Replace_DropsAnAccountAndAFunction_TheGrantsEarlierTokensNoLongerReadThem_Section5Point2()
    {
        var first = await LinkAsync("openid balance transactions", Ordinary, Savings);
        var grantId = first.GetProperty("grant_id").GetString()!;

        var (page, approved) = await ConsentAsync(await RequestUriAsync("balance", "replace", grantId), [Savings]);
        var replaced = await ExchangeAsync(approved);

        // Both accounts of the grant are shown ticked, and the customer may clear them.
        Assert.Contains("ここで選んだ口座と機能だけが残ります。", page, StringComparison.Ordinal);
        Assert.Contains($"name=\"account\" value=\"{Ordinary}\" checked=\"checked\">", page, StringComparison.Ordinal);
        Assert.Contains($"name=\"account\" value=\"{Savings}\" checked=\"checked\">", page, StringComparison.Ordinal);

        Assert.Equal(grantId, replaced.GetProperty("grant_id").GetString());
        Assert.Equal("balance", replaced.GetProperty("scope").GetString());
        var grant = await QueryGrantAsync(grantId);
        Assert.Equal(Ids(Savings), Accounts(grant));
        Assert.Equal("balance", grant.GetProperty("scopes")[0].GetProperty("scope").GetString());

        // The earlier access token carried openid, which the customer took away: it is revoked, not left for its minutes.
        var old = await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", first.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.EndsWith("BL2704", (await old.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", replaced.GetProperty("access_token").GetString()!)).StatusCode);
        Assert.EndsWith("BL2521", (await (await RefreshAsync(first)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await _database.ScalarAsync<long>(
            "SELECT count(*) FROM tokens WHERE grant_id = $1 AND status = 'active' AND kind <> 'authorization_code' AND scope <> 'balance'", Guid.Parse(grantId)));
        Assert.Equal("balance", (await (await RefreshAsync(replaced)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Merge_WithRotation_ARetryOfTheReplacedRefreshTokenIsRefusedAsEnded_NotTakenForReuse()
    {
        _provider = await ProviderClient.RegisterAsync(_app, "openid balance transactions grant_management_query grant_management_revoke",
            ["authorization_code", "refresh_token", "client_credentials"], m => m["banklink_refresh_token_rotation"] = true);
        var first = await LinkAsync("balance", Ordinary);
        var grantId = first.GetProperty("grant_id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(first)).StatusCode);

        var merged = await ExchangeAsync((await ConsentAsync(await RequestUriAsync("transactions", "merge", grantId), [Savings])).Answer);

        // Within the reuse leeway, a retry of the replaced token would normally be weighed against its successor;
        // the merge ended both, so it is refused as ended and the grant the customer just approved stays.
        Assert.EndsWith("BL2521", (await (await RefreshAsync(first)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", Guid.Parse(grantId)));
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(merged)).StatusCode);
    }

    [Fact]
    public async Task Par_AnotherClientsGrantId_RefusedExactlyLikeAnUnknownOne_Section5Point3()
    {
        var grantId = (await LinkAsync("balance", Ordinary)).GetProperty("grant_id").GetString()!;
        var other = await ProviderClient.RegisterAsync(_app, "balance");

        var foreign = await PushAsync(other, "balance", "merge", grantId);
        var unknown = await PushAsync(other, "balance", "merge", Guid.NewGuid().ToString());
        var malformed = await PushAsync(other, "balance", "replace", "not-a-grant");

        await AssertErrorAsync(foreign, "invalid_grant_id", "BL2409");
        Assert.Equal(await unknown.Content.ReadAsStringAsync(), await foreign.Content.ReadAsStringAsync());
        Assert.Equal(await malformed.Content.ReadAsStringAsync(), await foreign.Content.ReadAsStringAsync());
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM pushed_requests WHERE client_id = $1", other.ClientId));
    }

    [Fact]
    public async Task Par_RevokedOrExpiredGrant_InvalidGrantId_Section5Point3()
    {
        var revoked = (await LinkAsync("balance", Ordinary)).GetProperty("grant_id").GetString()!;
        var expired = (await LinkAsync("balance", Savings)).GetProperty("grant_id").GetString()!;
        await _database.ExecuteAsync("UPDATE grants SET status = 'revoked', revoked_at = now(), revoked_reason = 'test' WHERE id = $1", Guid.Parse(revoked));
        await _app.ChangesArrivedAsync();
        await _database.ExecuteAsync("UPDATE grants SET created_at = created_at - interval '100 days', expires_at = now() - interval '1 minute' WHERE id = $1", Guid.Parse(expired));
        await _app.ChangesArrivedAsync();

        await AssertErrorAsync(await PushAsync(_provider, "balance", "merge", revoked), "invalid_grant_id", "BL2409");
        await AssertErrorAsync(await PushAsync(_provider, "balance", "replace", expired), "invalid_grant_id", "BL2409");
    }

    [Theory]
    [InlineData("create", true)]
    [InlineData(null, true)]
    [InlineData("merge", false)]
    [InlineData("update", false)]
    public async Task Par_ActionAndGrantIdDoNotFit_InvalidRequest_Section5Point3(string? action, bool withGrantId)
    {
        var grantId = withGrantId ? (await LinkAsync("balance", Ordinary)).GetProperty("grant_id").GetString() : null;

        await AssertErrorAsync(await PushAsync(_provider, "balance", action, grantId), "invalid_request", "BL2406");
    }

    [Fact]
    public async Task Consent_AnotherCustomerLogsIn_InvalidGrantIdOnTheRedirect_NothingOfTheGrantShown_Section5Point3()
    {
        var grantId = (await LinkAsync("balance", Ordinary)).GetProperty("grant_id").GetString()!;
        var requestUri = await RequestUriAsync("balance", "merge", grantId);

        var (page, answer) = await ConsentAsync(requestUri, [], loginId: "ito06", password: "Sandbox-Ito-06");

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith(ProviderClient.RedirectUri + "?", answer.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(answer.Headers.Location.Query);
        Assert.Equal("invalid_grant_id", query["error"]);
        Assert.Equal("https://developer.banklink.example/errors/BL2410", query["error_uri"]);
        Assert.Equal("af0ifjsldkj", query["state"]);
        Assert.Equal(ProviderClient.Issuer, query["iss"]);
        Assert.DoesNotContain(Ordinary.ToString(), page, StringComparison.Ordinal);

        // The request is answered: it cannot be retried, and the grant is as it was.
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM pushed_requests WHERE consumed_at IS NOT NULL AND client_id = $1 AND parameters ? 'grant_id'", _provider.ClientId));
        Assert.Equal(Ids(Ordinary), Accounts(await QueryGrantAsync(grantId)));
    }

    [Fact]
    public async Task Consent_GrantRevokedAfterThePushedRequest_InvalidGrantIdOnTheRedirect()
    {
        var grantId = (await LinkAsync("balance", Ordinary)).GetProperty("grant_id").GetString()!;
        var requestUri = await RequestUriAsync("balance transactions", "merge", grantId);
        await _database.ExecuteAsync("UPDATE grants SET status = 'revoked', revoked_at = now(), revoked_reason = 'test' WHERE id = $1", Guid.Parse(grantId));
        await _app.ChangesArrivedAsync();

        var (_, answer) = await ConsentAsync(requestUri, [Savings]);

        Assert.Equal("invalid_grant_id", System.Web.HttpUtility.ParseQueryString(answer.Headers.Location!.Query)["error"]);
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts WHERE grant_id = $1", Guid.Parse(grantId)));
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("replace")]
    public async Task Consent_DeniedMergeOrReplace_TheGrantAndItsTokensAsTheyWere(string action)
    {
        var first = await LinkAsync("openid balance", Ordinary, Savings);
        var grantId = first.GetProperty("grant_id").GetString()!;
        var before = (await QueryGrantAsync(grantId)).GetRawText();

        var (_, answer) = await ConsentAsync(await RequestUriAsync("transactions", action, grantId), [Savings], deny: true);

        Assert.Equal("access_denied", System.Web.HttpUtility.ParseQueryString(answer.Headers.Location!.Query)["error"]);
        Assert.Equal(before, (await QueryGrantAsync(grantId)).GetRawText());
        Assert.Equal(HttpStatusCode.OK, (await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", first.GetProperty("access_token").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(first)).StatusCode);
    }

    [Fact]
    public async Task Consent_MergeWithNothingNewTicked_AddsTheFunctionAndKeepsTheAccounts()
    {
        var grantId = (await LinkAsync("balance", Ordinary)).GetProperty("grant_id").GetString()!;

        var merged = await ExchangeAsync((await ConsentAsync(await RequestUriAsync("transactions", "merge", grantId), [])).Answer);

        Assert.Equal(grantId, merged.GetProperty("grant_id").GetString());
        Assert.Equal("balance transactions", merged.GetProperty("scope").GetString());
        Assert.Equal(Ids(Ordinary), Accounts(await QueryGrantAsync(grantId)));
    }

    [Fact]
    public async Task Consent_ReplaceWithNothingTicked_PageAgainAndTheGrantAsItWas()
    {
        var grantId = (await LinkAsync("balance", Ordinary)).GetProperty("grant_id").GetString()!;

        var (_, answer) = await ConsentAsync(await RequestUriAsync("balance", "replace", grantId), []);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(Ids(Ordinary), Accounts(await QueryGrantAsync(grantId)));
    }

    [Fact]
    public async Task Discovery_AdvertisesCreateMergeAndReplace_Section7Point1()
    {
        var metadata = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.Equal(["query", "revoke", "create", "merge", "replace"], metadata.GetProperty("grant_management_actions_supported").EnumerateArray().Select(a => a.GetString()));
    }
}
