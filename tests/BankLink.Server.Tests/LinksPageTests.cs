using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BankLink.Server.Tests;

/// <summary>"My links": what the customer allowed, and ending a link or one account of it, effective for every token at once.</summary>
public sealed class LinksPageTests : IAsyncLifetime
{
    private const string Verifier = "verifier-that-is-long-enough-to-be-a-real-pkce-verifier";
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _provider = await ProviderClient.RegisterAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<string> LinkAsync(int accounts)
    {
        var requestUri = (await (await _provider.PushAsync(_provider.ParParameters())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
        var code = await _provider.ConsentAsync(requestUri, "tanaka01", "Sandbox-Tanaka-01", "1000000001", accounts);
        var tokens = await _provider.PostAsync("/connect/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", ProviderClient.RedirectUri), new("code_verifier", Verifier)],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));
        return (await tokens.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    private Task<HttpClient> CustomerAsync() => CustomerBrowser.LoggedInAsync(_app, "tanaka01", "Sandbox-Tanaka-01");

    private async Task<Guid> GrantIdAsync() => await _database.ScalarAsync<Guid>("SELECT id FROM grants WHERE status = 'active'");

    [Fact]
    public async Task Links_ShowsTheProviderItsAccountsMaskedFunctionsRecipientsAndDates()
    {
        await LinkAsync(accounts: 2);
        var browser = await CustomerAsync();

        var response = await browser.GetAsync(new Uri("/links", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("サンドボックス家計簿", html, StringComparison.Ordinal);
        Assert.Contains("残高照会", html, StringComparison.Ordinal);
        Assert.Contains("サンドボックス税理士事務所", html, StringComparison.Ordinal);
        Assert.Contains("***5678", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0345678", html, StringComparison.Ordinal);
        Assert.Equal(2, html.Split("name=\"account\"").Length - 1);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("連携の許可", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_TheProvidersTokenFailsRightAfter()
    {
        var accessToken = await LinkAsync(accounts: 1);
        Assert.Equal(HttpStatusCode.OK, (await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", accessToken)).StatusCode);
        var browser = await CustomerAsync();

        var answer = await CustomerBrowser.PostFormAsync(browser, "/links?handler=Revoke", [new("grant", (await GrantIdAsync()).ToString())]);

        Assert.Equal("/links?notice=link-revoked", answer.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", accessToken)).StatusCode);
        Assert.Equal("revoked", await _database.ScalarAsync<string>("SELECT status FROM grants"));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'link_revoked'"));
        Assert.Contains("連携を解除しました", await browser.GetStringAsync(new Uri(answer.Headers.Location.OriginalString, UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoveAccount_OneOfTwo_TheLinkGoesOnWithTheOther_TheLastEndsIt()
    {
        await LinkAsync(accounts: 2);
        var browser = await CustomerAsync();
        var grant = await GrantIdAsync();
        var accounts = (await _database.ScalarAsync<string>("SELECT string_agg(account_id::text, ',' ORDER BY account_id) FROM grant_accounts")).Split(',');

        var first = await CustomerBrowser.PostFormAsync(browser, "/links?handler=RemoveAccount", [new("grant", grant.ToString()), new("account", accounts[0])]);
        var last = await CustomerBrowser.PostFormAsync(browser, "/links?handler=RemoveAccount", [new("grant", grant.ToString()), new("account", accounts[1])]);

        Assert.Equal("/links?notice=account-removed", first.Headers.Location!.OriginalString);
        Assert.Equal("/links?notice=link-ended", last.Headers.Location!.OriginalString);
        Assert.Equal("revoked", await _database.ScalarAsync<string>("SELECT status FROM grants"));
    }

    [Fact]
    public async Task Revoke_AnotherCustomersLink_NotFoundAndTheLinkStays()
    {
        await LinkAsync(accounts: 1);
        var other = await CustomerBrowser.LoggedInAsync(_app, "suzuki02", "Sandbox-Suzuki-02");

        var answer = await CustomerBrowser.PostFormAsync(other, "/links?handler=Revoke", [new("grant", (await GrantIdAsync()).ToString())]);

        Assert.Equal("/links?notice=not-found", answer.Headers.Location!.OriginalString);
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM grants"));
    }

    [Theory]
    [InlineData("/links?handler=Revoke", "grant", "not-a-guid")]
    [InlineData("/links?handler=RemoveAccount", "grant", "")]
    [InlineData("/links?handler=RetireToken", "serial", "12345")]
    public async Task Actions_BadInput_NotFoundNever500(string path, string field, string value)
    {
        var browser = await CustomerAsync();

        var answer = await CustomerBrowser.PostFormAsync(browser, path, [new(field, value)]);

        Assert.Equal("/links?notice=not-found", answer.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Revoke_WithoutAntiforgeryToken_400AndNothingChanges()
    {
        await LinkAsync(accounts: 1);
        var browser = await CustomerAsync();

        var answer = await browser.PostAsync(new Uri("/links?handler=Revoke", UriKind.Relative), new FormUrlEncodedContent([new("grant", (await GrantIdAsync()).ToString())]));

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM grants"));
    }

    [Fact]
    public async Task Session_CustomerStoppedMeanwhile_NothingWorksAnyMore()
    {
        var browser = await CustomerAsync();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/links", UriKind.Relative))).StatusCode);

        await _database.ExecuteAsync("UPDATE customers SET status = 'stopped', stopped_at = now() WHERE login_id = 'tanaka01'");

        var response = await browser.GetAsync(new Uri("/links", UriKind.Relative));
        Assert.Equal("/login?returnUrl=%2Flinks", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Links_NotLoggedIn_SentToLogin()
    {
        var response = await _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync(new Uri("/links", UriKind.Relative));

        Assert.Equal("/login?returnUrl=%2Flinks", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task RetireToken_TheLastOne_Refused()
    {
        var browser = await CustomerAsync();
        var serial = await _database.ScalarAsync<string>("SELECT serial_number FROM otp_devices d JOIN customers c ON c.id = d.customer_id WHERE c.login_id = 'tanaka01' AND d.status = 'active'");

        var answer = await CustomerBrowser.PostFormAsync(browser, "/links?handler=RetireToken", [new("serial", serial)]);

        Assert.Equal("/links?notice=token-last", answer.Headers.Location!.OriginalString);
    }
}
