using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Testing;
using Microsoft.Playwright;

namespace BankLink.Server.Tests.Journeys;

/// <summary>
/// The account holder's journey in real Chromium, JavaScript off, as they would walk it: the provider sends them
/// to the bank, they log in with a one-time password, register for linking when they have to, choose accounts,
/// approve or deny, and later end the link from "my links", after which the provider's token fails at once.
/// Screenshots of every page are kept in TestResults/journeys.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class LinkJourneyTests(Chromium chromium) : IAsyncLifetime
{
    private const string Verifier = "verifier-that-is-long-enough-to-be-a-real-pkce-verifier";
    private const string Tanaka = "(SELECT id FROM customers WHERE login_id = 'tanaka01')";
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private Uri _bank = null!;
    private ProviderClient _provider = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _bank = _app.StartRealServer();
        _provider = await ProviderClient.RegisterAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Theory]
    [InlineData(false, "first-link-desktop")]
    [InlineData(true, "first-link-phone")]
    public async Task FirstTime_RegisterLinkTwoOfThreeThenRevokeFromMyLinks_TheProvidersTokenFailsRightAfter(bool phone, string journey)
    {
        await _database.ExecuteAsync($"UPDATE registrations SET status = 'revoked', ended_at = now() WHERE customer_id = {Tanaka}");
        await using var customer = await chromium.NewCustomerAsync(phone);
        var callback = await CatchCallbackAsync(customer);
        var page = await customer.NewPageAsync();

        await page.GotoAsync(await AuthorizationUrlAsync());
        await LogInAsync(page, journey);

        // First time: the registration for linking, with the terms and every linkable account.
        Assert.Equal("API連携の利用登録", await page.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, journey, "3-registration");
        await CheckAllAsync(page.Locator("input[name=account]:not([disabled])"));
        await page.GetByLabel("上記の内容に同意します").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "同意して登録する" }).ClickAsync();

        // Consent: three linkable accounts offered, two ticked.
        Assert.Equal("API連携の許可", await page.Locator("h1").InnerTextAsync());
        var linkable = page.Locator("input[name=account]:not([disabled])");
        Assert.Equal(3, await linkable.CountAsync());
        await linkable.Nth(0).CheckAsync();
        await linkable.Nth(1).CheckAsync();
        await Chromium.ScreenshotAsync(page, journey, "4-consent");
        await page.GetByRole(AriaRole.Button, new() { Name = "許可する" }).ClickAsync();

        var tokens = await ExchangeAsync(await BackAtProviderAsync(page, callback));
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        page = await customer.NewPageAsync();
        Assert.Equal(2, await _database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts"));
        Assert.Equal(HttpStatusCode.OK, (await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", accessToken)).StatusCode);

        // My links: the link as allowed, then ended by the customer; the provider's token dies at once.
        await page.GotoAsync(new Uri(_bank, "/links").ToString());
        Assert.Contains("サンドボックス家計簿", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "5-my-links");
        await page.GetByRole(AriaRole.Button, new() { Name = "この事業者との連携を解除する" }).ClickAsync();
        Assert.Contains("連携を解除しました", await page.Locator("[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "6-link-ended");
        var refused = await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", accessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        if (phone)
        {
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than a 360 px screen");
        }
    }

    [Fact]
    public async Task InEnglish_Deny_TheProviderHearsAccessDeniedAndNoLinkExists()
    {
        const string journey = "deny-english";
        await using var customer = await chromium.NewCustomerAsync();
        var callback = await CatchCallbackAsync(customer);
        var page = await customer.NewPageAsync();

        await page.GotoAsync(await AuthorizationUrlAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        Assert.Equal("Log in", await page.Locator("h1").InnerTextAsync());
        await LogInAsync(page, journey, english: true);

        Assert.Equal("Allow API linking", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("Balance inquiry", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "3-consent");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

        var query = System.Web.HttpUtility.ParseQueryString((await BackAtProviderAsync(page, callback)).Query);
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("af0ifjsldkj", query["state"]);
        Assert.Equal(ProviderClient.Issuer, query["iss"]);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM grants"));
    }

    [Fact]
    public async Task ReConsent_Merge_ThePageShowsWhatTheProviderHasAndAddsAnAccount()
    {
        const string journey = "re-consent";
        await using var customer = await chromium.NewCustomerAsync();
        var callback = await CatchCallbackAsync(customer);
        var page = await customer.NewPageAsync();
        await page.GotoAsync(await AuthorizationUrlAsync());
        await LogInAsync(page, journey);
        await page.Locator("input[name=account]:not([disabled])").Nth(0).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "許可する" }).ClickAsync();
        var grantId = (await ExchangeAsync(await BackAtProviderAsync(page, callback))).GetProperty("grant_id").GetString()!;
        page = await customer.NewPageAsync();

        var again = await CatchCallbackAsync(customer, replace: true);
        await page.GotoAsync(await AuthorizationUrlAsync([new("grant_management_action", "merge"), new("grant_id", grantId)]));

        Assert.Contains("すでにある連携を更新します", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("input[name=account][disabled]:checked").CountAsync());
        await Chromium.ScreenshotAsync(page, journey, "3-re-consent");
        await page.Locator("input[name=account]:not([disabled])").Nth(0).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "許可する" }).ClickAsync();

        var merged = await ExchangeAsync(await BackAtProviderAsync(page, again));
        Assert.Equal(grantId, merged.GetProperty("grant_id").GetString());
        Assert.Equal(2, await _database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts"));
    }

    [Fact]
    public async Task ExpiredRegistrationAndExpiredPermission_TheCustomerIsAskedAgain()
    {
        const string journey = "expired";
        await _database.ExecuteAsync($"UPDATE registrations SET accepted_at = now() - interval '400 days', expires_at = now() - interval '1 day' WHERE customer_id = {Tanaka}");
        await using var customer = await chromium.NewCustomerAsync();
        var callback = await CatchCallbackAsync(customer);
        var page = await customer.NewPageAsync();

        await page.GotoAsync(await AuthorizationUrlAsync());
        await LogInAsync(page, journey);
        Assert.Equal("API連携の利用登録", await page.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, journey, "3-registration-again");
        await CheckAllAsync(page.Locator("input[name=account]:not([disabled])"));
        await page.GetByLabel("上記の内容に同意します").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "同意して登録する" }).ClickAsync();
        await page.Locator("input[name=account]:not([disabled])").Nth(0).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "許可する" }).ClickAsync();
        var tokens = await ExchangeAsync(await BackAtProviderAsync(page, callback));
        page = await customer.NewPageAsync();

        // The permission's time runs out: the provider's refresh is refused, and a new authorization asks the customer again.
        await _database.ExecuteAsync("UPDATE grants SET created_at = now() - interval '91 days', expires_at = now() - interval '1 minute'");
        var refresh = await _provider.PostAsync("/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", tokens.GetProperty("refresh_token").GetString()!)],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", (await refresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        await CatchCallbackAsync(customer, replace: true);
        await page.GotoAsync(await AuthorizationUrlAsync());
        Assert.Equal("API連携の許可", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(0, await page.Locator("input[name=account]:checked").CountAsync());
        await Chromium.ScreenshotAsync(page, journey, "4-consent-again");
    }

    /// <summary>Login ID and password, then the code the customer's authenticator app shows now.</summary>
    private static async Task LogInAsync(IPage page, string journey, bool english = false)
    {
        await Chromium.ScreenshotAsync(page, journey, "1-login");
        await page.GetByLabel(english ? "Login ID" : "ログインID").FillAsync("tanaka01");
        await page.GetByLabel(english ? "Password" : "パスワード").FillAsync("Sandbox-Tanaka-01");
        await page.GetByRole(AriaRole.Button, new() { Name = english ? "Next" : "次へ" }).ClickAsync();
        await Chromium.ScreenshotAsync(page, journey, "2-one-time-password");
        await page.GetByLabel(english ? "One-time password (6 digits)" : "ワンタイムパスワード（6桁）").FillAsync(CustomerBrowser.CurrentCode("tanaka01"));
        await page.GetByRole(AriaRole.Button, new() { Name = english ? "Log in" : "ログイン" }).ClickAsync();
    }

    /// <summary>
    /// The redirect the provider received. The tab that was sent there is closed: a customer coming back to the bank
    /// opens it again (the session is the browser's, not the tab's), and nothing races that tab's last navigation.
    /// </summary>
    private static async Task<Uri> BackAtProviderAsync(IPage page, TaskCompletionSource<Uri> callback)
    {
        var uri = await callback.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await page.CloseAsync();
        return uri;
    }

    private static async Task CheckAllAsync(ILocator boxes)
    {
        for (var i = 0; i < await boxes.CountAsync(); i++)
        {
            await boxes.Nth(i).CheckAsync();
        }
    }

    private async Task<string> AuthorizationUrlAsync(IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var pushed = await (await _provider.PushAsync([.. _provider.ParParameters(), .. extra ?? []])).Content.ReadFromJsonAsync<JsonElement>();
        var requestUri = pushed.GetProperty("request_uri").GetString()!;
        return new Uri(_bank, $"/connect/authorize?client_id={Uri.EscapeDataString(_provider.ClientId)}&request_uri={Uri.EscapeDataString(requestUri)}").ToString();
    }

    private async Task<JsonElement> ExchangeAsync(Uri callback)
    {
        var code = System.Web.HttpUtility.ParseQueryString(callback.Query)["code"] ?? throw new InvalidOperationException("No code in " + callback);
        var response = await _provider.PostAsync("/connect/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", ProviderClient.RedirectUri), new("code_verifier", Verifier)],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The provider's redirect URI is not a real site: the browser's request to it is answered here and remembered.</summary>
    private static async Task<TaskCompletionSource<Uri>> CatchCallbackAsync(IBrowserContext customer, bool replace = false)
    {
        if (replace)
        {
            await customer.UnrouteAsync(ProviderClient.RedirectUri + "**");
        }

        var callback = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await customer.RouteAsync(ProviderClient.RedirectUri + "**", async route =>
        {
            callback.TrySetResult(new Uri(route.Request.Url));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><title>Provider</title><p>Back at the provider.</p>" });
        });
        return callback;
    }
}
