using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Testing;
using Microsoft.Playwright;

namespace BankLink.Server.Tests.Journeys;

/// <summary>
/// The journey with the keyboard alone (Tab to each field, type, Space to tick, Enter to submit), and a session
/// planted before login never becoming the customer's session after it.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class KeyboardAndSessionJourneyTests(Chromium chromium) : IAsyncLifetime
{
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

    [Fact]
    public async Task KeyboardOnly_LoginConsentAndApprove()
    {
        await using var customer = await chromium.NewCustomerAsync(phone: true);
        var callback = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        await customer.RouteAsync(ProviderClient.RedirectUri + "**", async route =>
        {
            callback.TrySetResult(new Uri(route.Request.Url));
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<!DOCTYPE html><title>Provider</title>" });
        });
        var page = await customer.NewPageAsync();
        await page.GotoAsync(await AuthorizationUrlAsync());

        await TabToAsync(page, "login_id");
        await page.Keyboard.TypeAsync("tanaka01");
        await TabToAsync(page, "password");
        await page.Keyboard.TypeAsync("Sandbox-Tanaka-01");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/login/otp**");
        await TabToAsync(page, "otp");
        await page.Keyboard.TypeAsync(CustomerBrowser.CurrentCode("tanaka01"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/consent**");

        await TabToAsync(page, "account");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "approve");
        await Chromium.ScreenshotAsync(page, "keyboard", "consent-focus-on-approve");
        await page.Keyboard.PressAsync("Enter");

        var query = System.Web.HttpUtility.ParseQueryString((await callback.Task.WaitAsync(TimeSpan.FromSeconds(10))).Query);
        Assert.False(string.IsNullOrEmpty(query["code"]));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts"));
    }

    [Fact]
    public async Task SessionPlantedBeforeLogin_IsNotTheSessionAfter()
    {
        // An attacker's own valid session cookie, planted in the customer's browser before they log in.
        await using var attacker = await chromium.NewCustomerAsync();
        var attackerPage = await attacker.NewPageAsync();
        await LogInAsync(attackerPage, "suzuki02", "Sandbox-Suzuki-02");
        var planted = (await attacker.CookiesAsync()).Single(c => c.Name == "banklink.customer");

        await using var customer = await chromium.NewCustomerAsync();
        await customer.AddCookiesAsync([new Cookie { Name = planted.Name, Value = planted.Value, Domain = planted.Domain, Path = planted.Path }]);
        var page = await customer.NewPageAsync();
        await page.GotoAsync(new Uri(_bank, "/login?returnUrl=%2Flinks").ToString());
        await page.GetByLabel("ログインID").FillAsync("tanaka01");
        await page.GetByLabel("パスワード").FillAsync("Sandbox-Tanaka-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "次へ" }).ClickAsync();
        await page.GetByLabel("ワンタイムパスワード（6桁）").FillAsync(CustomerBrowser.CurrentCode("tanaka01"));
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();

        var after = (await customer.CookiesAsync()).Single(c => c.Name == "banklink.customer");
        Assert.NotEqual(planted.Value, after.Value);
        Assert.Contains("9000000001", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // The planted cookie is still only the attacker's own session: it never became the customer's.
        await attackerPage.GotoAsync(new Uri(_bank, "/links").ToString());
        var attackerView = await attackerPage.Locator("main").InnerTextAsync();
        Assert.Contains("9000000002", attackerView, StringComparison.Ordinal);
        Assert.DoesNotContain("9000000001", attackerView, StringComparison.Ordinal);
    }

    private async Task LogInAsync(IPage page, string loginId, string password)
    {
        await page.GotoAsync(new Uri(_bank, "/login?returnUrl=%2Flinks").ToString());
        await page.GetByLabel("ログインID").FillAsync(loginId);
        await page.GetByLabel("パスワード").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "次へ" }).ClickAsync();
        await page.GetByLabel("ワンタイムパスワード（6桁）").FillAsync(CustomerBrowser.CurrentCode(loginId));
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        await page.WaitForURLAsync("**/links**");
    }

    /// <summary>Presses Tab until the focused element carries <paramref name="name"/>: proof it is reachable by keyboard.</summary>
    private static async Task TabToAsync(IPage page, string name)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await page.EvaluateAsync<string?>("document.activeElement && document.activeElement.getAttribute('name')") == name)
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"No element named {name} reachable with Tab on {page.Url}.");
    }

    private async Task<string> AuthorizationUrlAsync()
    {
        var pushed = await (await _provider.PushAsync(_provider.ParParameters())).Content.ReadFromJsonAsync<JsonElement>();
        return new Uri(_bank, $"/connect/authorize?client_id={Uri.EscapeDataString(_provider.ClientId)}&request_uri={Uri.EscapeDataString(pushed.GetProperty("request_uri").GetString()!)}").ToString();
    }
}
