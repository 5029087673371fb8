using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.CoreBanking;
using BankLink.Domain.Accounts;
using BankLink.Protocol.Tokens;
using BankLink.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>The front channel: authorize with a pushed request, log in, consent per account, and the redirect back (RFC 6749 §4.1, RFC 9126 §4, RFC 9207).</summary>
public sealed class AuthorizationFlowTests : IAsyncLifetime
{
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;
    private HttpClient _browser = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _provider = await ProviderClient.RegisterAsync(_app);
        _browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<string> PushAsync(Action<List<KeyValuePair<string, string>>>? change = null)
    {
        var parameters = _provider.ParParameters();
        change?.Invoke(parameters);
        var response = await _provider.PushAsync(parameters);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
    }

    private string AuthorizePath(string requestUri) =>
        $"/connect/authorize?client_id={Uri.EscapeDataString(_provider.ClientId)}&request_uri={Uri.EscapeDataString(requestUri)}";

    private static Task<string> AntiforgeryTokenAsync(HttpResponseMessage page) => ProviderClient.AntiforgeryTokenAsync(page);

    private async Task<HttpResponseMessage> PostFormAsync(string path, string token, IEnumerable<KeyValuePair<string, string>> fields) =>
        await _browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));

    private async Task LogInAsync(string returnUrl, string loginId = "tanaka01", string password = "Sandbox-Tanaka-01")
    {
        var response = await CustomerBrowser.LogInWithAsync(_browser, loginId, password, returnUrl: returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(returnUrl, response.Headers.Location!.OriginalString);
    }

    private async Task<IReadOnlyList<CoreAccount>> TanakaAccountsAsync() =>
        await _app.Services.GetRequiredService<ICoreBankingGateway>().GetAccountsAsync("1000000001", CancellationToken.None);

    [Fact]
    public async Task Flow_LoginConsentTwoOfThreeAccounts_RedirectsWithCodeStateAndIss()
    {
        var requestUri = await PushAsync();

        var authorize = await _browser.GetAsync(new Uri(AuthorizePath(requestUri), UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        Assert.StartsWith("/login?returnUrl=", authorize.Headers.Location!.OriginalString, StringComparison.Ordinal);

        await LogInAsync(AuthorizePath(requestUri));
        var afterLogin = await _browser.GetAsync(new Uri(AuthorizePath(requestUri), UriKind.Relative));
        Assert.StartsWith("/consent?", afterLogin.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var consent = await _browser.GetAsync(afterLogin.Headers.Location);
        var html = await consent.Content.ReadAsStringAsync();
        var accounts = await TanakaAccountsAsync();
        var linkable = accounts.Where(a => a.IsLinkable).ToList();
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.Contains("frame-ancestors 'none'", consent.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.All(linkable, a => Assert.Contains($"name=\"account\" value=\"{a.Id}\"", html, StringComparison.Ordinal));
        Assert.Contains("連携できない種類の口座です", html, StringComparison.Ordinal);
        Assert.Contains("サンドボックス税理士事務所", html, StringComparison.Ordinal);

        var ticked = linkable.Take(2).ToList();
        var approve = await PostFormAsync("/consent", await AntiforgeryTokenAsync(consent),
            [new("client_id", _provider.ClientId), new("request_uri", requestUri), .. ticked.Select(a => new KeyValuePair<string, string>("account", a.Id.ToString())), new("approve", "approve")]);

        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        var location = approve.Headers.Location!;
        Assert.StartsWith(ProviderClient.RedirectUri + "?", location.OriginalString, StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.True(OpaqueToken.IsWellFormed(query["code"], TokenKind.AuthorizationCode));
        Assert.Equal("af0ifjsldkj", query["state"]);
        Assert.Equal(ProviderClient.Issuer, query["iss"]);

        var grantId = await _database.ScalarAsync<Guid>("SELECT id FROM grants WHERE client_id = $1", _provider.ClientId);
        Assert.Equal(ticked.Select(a => a.Id).Order(), (await _database.ScalarAsync<Guid[]>("SELECT array_agg(account_id) FROM grant_accounts WHERE grant_id = $1", grantId)).Order());
        Assert.Equal("openid balance", await _database.ScalarAsync<string>("SELECT scope FROM grants WHERE id = $1", grantId));
        Assert.Equal(grantId, await _database.ScalarAsync<Guid>("SELECT grant_id FROM tokens WHERE token_hash = $1", OpaqueToken.Hash(query["code"]!)));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM pushed_requests WHERE consumed_at IS NOT NULL"));

        var again = await PostFormAsync("/consent", await AntiforgeryTokenAsync(consent), [new("client_id", _provider.ClientId), new("request_uri", requestUri), new("account", ticked[0].Id.ToString()), new("approve", "approve")]);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task Consent_Deny_RedirectsAccessDeniedWithStateAndIssAndNoGrant()
    {
        var requestUri = await PushAsync();
        await LogInAsync("/");
        var consent = await _browser.GetAsync(new Uri($"/consent?client_id={_provider.ClientId}&request_uri={Uri.EscapeDataString(requestUri)}", UriKind.Relative));

        var deny = await PostFormAsync("/consent", await AntiforgeryTokenAsync(consent), [new("client_id", _provider.ClientId), new("request_uri", requestUri), new("deny", "deny")]);

        var query = System.Web.HttpUtility.ParseQueryString(deny.Headers.Location!.Query);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("af0ifjsldkj", query["state"]);
        Assert.Equal(ProviderClient.Issuer, query["iss"]);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM grants"));
    }

    [Fact]
    public async Task Consent_TickedANonLinkableOrForeignAccount_PageAgainAndTheRequestStillUsable()
    {
        var requestUri = await PushAsync();
        await LogInAsync("/");
        var consent = await _browser.GetAsync(new Uri($"/consent?client_id={_provider.ClientId}&request_uri={Uri.EscapeDataString(requestUri)}", UriKind.Relative));
        var timeDeposit = (await TanakaAccountsAsync()).Single(a => a.Kind == AccountKind.TimeDeposit);
        var someoneElses = (await _app.Services.GetRequiredService<ICoreBankingGateway>().GetAccountsAsync("1000000006", CancellationToken.None))[0];

        foreach (var account in new[] { timeDeposit.Id, someoneElses.Id })
        {
            var response = await PostFormAsync("/consent", await AntiforgeryTokenAsync(consent), [new("client_id", _provider.ClientId), new("request_uri", requestUri), new("account", account.ToString()), new("approve", "approve")]);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM grants"));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM pushed_requests WHERE consumed_at IS NOT NULL"));
    }

    [Fact]
    public async Task Consent_PostWithoutAntiforgeryToken_Refused()
    {
        var requestUri = await PushAsync();
        await LogInAsync("/");

        var response = await _browser.PostAsync(new Uri("/consent", UriKind.Relative), new FormUrlEncodedContent([new("client_id", _provider.ClientId), new("request_uri", requestUri), new("deny", "deny")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM pushed_requests WHERE consumed_at IS NOT NULL"));
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:request_uri:blru_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("https://evil.example/request")]
    [InlineData("")]
    public async Task Authorize_UnknownOrMalformedRequestUri_ErrorPageNeverARedirect(string requestUri)
    {
        var response = await _browser.GetAsync(new Uri(AuthorizePath(requestUri), UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Authorize_RequestUriOfAnotherClient_ErrorPage()
    {
        var requestUri = await PushAsync();
        var other = await ProviderClient.RegisterAsync(_app);

        var response = await _browser.GetAsync(new Uri($"/connect/authorize?client_id={other.ClientId}&request_uri={Uri.EscapeDataString(requestUri)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Authorize_Reloaded_StillWorksUntilTheRequestIsAnswered()
    {
        var requestUri = await PushAsync();

        var first = await _browser.GetAsync(new Uri(AuthorizePath(requestUri), UriKind.Relative));
        var reload = await _browser.GetAsync(new Uri(AuthorizePath(requestUri), UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, reload.Headers.Location);
    }

    [Fact]
    public async Task Authorize_PromptNone_NeverShowsAPage()
    {
        var withoutSession = await _browser.GetAsync(new Uri(AuthorizePath(await PushAsync(p => p.Add(new("prompt", "none")))), UriKind.Relative));
        Assert.Equal("login_required", System.Web.HttpUtility.ParseQueryString(withoutSession.Headers.Location!.Query)["error"]);

        await LogInAsync("/");
        var withSession = await _browser.GetAsync(new Uri(AuthorizePath(await PushAsync(p => p.Add(new("prompt", "none")))), UriKind.Relative));
        Assert.Equal("consent_required", System.Web.HttpUtility.ParseQueryString(withSession.Headers.Location!.Query)["error"]);
    }

    [Fact]
    public async Task Authorize_PromptConsentWithALinkAlreadyThere_TheConsentPageIsShown()
    {
        await LogInAsync("/");
        var first = await PushAsync();
        var consent = await _browser.GetAsync(new Uri(AuthorizePath(first), UriKind.Relative));
        var approve = await CustomerBrowser.PostFormAsync(_browser, consent.Headers.Location!.OriginalString,
            [new("client_id", _provider.ClientId), new("request_uri", first), new("account", (await TanakaAccountsAsync()).First(a => a.IsLinkable).Id.ToString()), new("approve", "approve")]);
        Assert.Contains("code=", approve.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var again = await _browser.GetAsync(new Uri(AuthorizePath(await PushAsync(p => p.Add(new("prompt", "consent")))), UriKind.Relative));

        Assert.StartsWith("/consent?", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _browser.GetAsync(again.Headers.Location)).StatusCode);
    }

    [Fact]
    public async Task Authorize_PromptLogin_AsksAgainEvenWithASession()
    {
        await LogInAsync("/");

        var response = await _browser.GetAsync(new Uri(AuthorizePath(await PushAsync(p => p.Add(new("prompt", "login")))), UriKind.Relative));

        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tanaka01", "wrong-password", null)]
    [InlineData("nobody", "Sandbox-Tanaka-01", null)]
    [InlineData("", "", null)]
    [InlineData("tanaka01", "Sandbox-Tanaka-01", "000000")]
    public async Task Login_WrongIdPasswordOrCode_OneAnswerAfterBothStepsAndNoSession(string loginId, string password, string? code)
    {
        // Step one never answers: a wrong password goes on to the code like a right one (DOMAIN.md: never which part).
        var stepOne = await CustomerBrowser.PostFormAsync(_browser, "/login", [new("login_id", loginId), new("password", password)]);
        Assert.Equal("/login/otp", stepOne.Headers.Location!.OriginalString);

        var stepTwo = await CustomerBrowser.PostFormAsync(_browser, "/login/otp", [new("otp", code ?? CustomerBrowser.CurrentCode("tanaka01"))]);

        Assert.Equal("/login?e=Wrong", stepTwo.Headers.Location!.OriginalString);
        Assert.Contains("ログインID、パスワードまたはワンタイムパスワードが正しくありません。", await _browser.GetStringAsync(new Uri("/login?e=Wrong", UriKind.Relative)), StringComparison.Ordinal);
        Assert.False(stepTwo.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("banklink.customer=", StringComparison.Ordinal) && !c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(HttpStatusCode.Redirect, (await _browser.GetAsync(new Uri("/links", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Login_FiveWrongCodes_WarnedBeforeTheLastThenStoppedWhateverIsTyped_UntilAnOperatorLiftsIt()
    {
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var answer = await CustomerBrowser.LogInWithAsync(_browser, "tanaka01", "Sandbox-Tanaka-01", "000000");
            Assert.Equal(attempt == 4 ? "/login?e=WrongOneAttemptLeft" : "/login?e=Wrong", answer.Headers.Location!.OriginalString);
        }

        Assert.Contains("あと1回間違えると", await _browser.GetStringAsync(new Uri("/login?e=WrongOneAttemptLeft", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal("/login?e=Stopped", (await CustomerBrowser.LogInWithAsync(_browser, "tanaka01", "Sandbox-Tanaka-01", "000000")).Headers.Location!.OriginalString);
        Assert.Equal("/login?e=Stopped", (await CustomerBrowser.LogInWithAsync(_browser, "tanaka01", "Sandbox-Tanaka-01")).Headers.Location!.OriginalString);
        Assert.Contains("利用中止", await _browser.GetStringAsync(new Uri("/login?e=Stopped", UriKind.Relative)), StringComparison.Ordinal);

        await _app.Services.GetRequiredService<BankLink.Data.Customers.CustomerLockout>().UnlockAsync("tanaka01", "customer called the branch", "op-1", CancellationToken.None);

        var afterUnlock = await CustomerBrowser.LogInWithAsync(_browser, "tanaka01", "Sandbox-Tanaka-01", returnUrl: "/links");
        Assert.Equal("/links", afterUnlock.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_CodeUsedOnce_ReplayRefused_Rfc6238Section5Point2()
    {
        var code = CustomerBrowser.CurrentCode("tanaka01");
        Assert.Equal("/links", (await CustomerBrowser.LogInWithAsync(_browser, "tanaka01", "Sandbox-Tanaka-01", code, "/links")).Headers.Location!.OriginalString);

        using var another = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var replay = await CustomerBrowser.LogInWithAsync(another, "tanaka01", "Sandbox-Tanaka-01", code, "/links");

        Assert.Equal("/login?e=Wrong&returnUrl=%2Flinks", replay.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_Completed_ANewSessionCookieAndTheStepOneStateCleared()
    {
        var answer = await CustomerBrowser.LogInWithAsync(_browser, "tanaka01", "Sandbox-Tanaka-01", returnUrl: "/links");

        // The session is a cookie issued at the end of the login (nothing the browser held before becomes it),
        // HttpOnly and SameSite; step one's state is deleted with it.
        var cookies = answer.Headers.GetValues("Set-Cookie").ToList();
        // Any session the browser had is deleted first, then the new one is set.
        var session = Assert.Single(cookies, c => c.StartsWith("banklink.customer=", StringComparison.Ordinal) && !c.StartsWith("banklink.customer=;", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        var pending = Assert.Single(cookies, c => c.StartsWith("banklink.login=", StringComparison.Ordinal));
        Assert.Contains("expires=Thu, 01 Jan 1970", pending, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task LoginOtp_WithoutStepOne_BackToStepOne()
    {
        var response = await _browser.GetAsync(new Uri("/login/otp", UriKind.Relative));

        Assert.Equal("/login?e=expired", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_ReturnUrlToAnotherSite_GoesToMyLinksInstead()
    {
        var response = await CustomerBrowser.LogInWithAsync(_browser, "tanaka01", "Sandbox-Tanaka-01", returnUrl: "https://evil.example/");

        Assert.Equal("/links", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Consent_WithoutSession_SentToLogin()
    {
        var requestUri = await PushAsync();

        var response = await _browser.GetAsync(new Uri($"/consent?client_id={_provider.ClientId}&request_uri={Uri.EscapeDataString(requestUri)}", UriKind.Relative));

        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

}
