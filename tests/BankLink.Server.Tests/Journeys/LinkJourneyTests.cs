using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Testing;
using Microsoft.Playwright;

namespace BankLink.Server.Tests.Journeys;

/// <summary>
/// An account holder links a provider in real Chromium, JavaScript off, as they would: the provider sends them to
/// the bank, they log in, choose accounts and approve; the provider receives a code. Screenshots of every page.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class LinkJourneyTests(Chromium chromium) : IAsyncLifetime
{
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private Uri _bank = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _bank = _app.StartRealServer();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Theory]
    [InlineData(false, "desktop")]
    [InlineData(true, "phone")]
    public async Task Link_TwoOfThreeAccounts_ProviderGetsACodeForThem(bool phone, string journey)
    {
        var provider = await ProviderClient.RegisterAsync(_app);
        var requestUri = await PushAsync(provider);
        await using var customer = await chromium.NewCustomerAsync(phone);
        var callback = await CatchCallbackAsync(customer);
        var page = await customer.NewPageAsync();

        await page.GotoAsync(new Uri(_bank, $"/connect/authorize?client_id={provider.ClientId}&request_uri={Uri.EscapeDataString(requestUri)}").ToString());
        await Chromium.ScreenshotAsync(page, journey, "1-login");
        await page.GetByLabel("ログインID").FillAsync("tanaka01");
        await page.GetByLabel("パスワード").FillAsync("Sandbox-Tanaka-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "次へ" }).ClickAsync();

        await Chromium.ScreenshotAsync(page, journey, "2-consent");
        Assert.Equal("API連携の許可", await page.Locator("h1").InnerTextAsync());
        var linkable = page.Locator("input[name=account]:not([disabled])");
        Assert.True(await linkable.CountAsync() >= 3);
        await linkable.Nth(0).CheckAsync();
        await linkable.Nth(1).CheckAsync();
        Assert.True(await page.Locator(".unavailable").CountAsync() >= 1);
        await page.GetByRole(AriaRole.Button, new() { Name = "許可する" }).ClickAsync();

        var redirect = await callback.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Chromium.ScreenshotAsync(page, journey, "3-back-at-provider");
        var query = System.Web.HttpUtility.ParseQueryString(redirect.Query);
        Assert.False(string.IsNullOrEmpty(query["code"]));
        Assert.Equal("af0ifjsldkj", query["state"]);
        Assert.Equal(ProviderClient.Issuer, query["iss"]);
    }

    [Fact]
    public async Task Page_At360Pixels_NothingWiderThanTheScreen()
    {
        await using var customer = await chromium.NewCustomerAsync(phone: true);
        var page = await customer.NewPageAsync();

        await page.GotoAsync(new Uri(_bank, "/login").ToString());

        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
    }

    private static async Task<string> PushAsync(ProviderClient provider)
    {
        var parameters = provider.ParParameters();
        var pushed = await (await provider.PushAsync(parameters)).Content.ReadFromJsonAsync<JsonElement>();
        return pushed.GetProperty("request_uri").GetString()!;
    }

    /// <summary>The provider's redirect URI is not a real site: the browser's request to it is answered here and remembered.</summary>
    private static async Task<TaskCompletionSource<Uri>> CatchCallbackAsync(IBrowserContext customer)
    {
        var callback = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await customer.RouteAsync(ProviderClient.RedirectUri + "**", async route =>
        {
            callback.TrySetResult(new Uri(route.Request.Url));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><title>Provider</title><p>Back at the provider.</p>" });
        });
        return callback;
    }
}
