using BankLink.DemoBank;
using BankLink.Domain.Otp;
using BankLink.Testing;
using Microsoft.Playwright;

namespace BankLink.Server.Tests.Journeys;

/// <summary>
/// An account holder enrols an authenticator app in real Chromium, JavaScript off, keyboard and labels only: they
/// open the token page, log in on the way (password, then the code their current token shows), read the key to type
/// by hand, type the code the new token shows and their confirmation PIN, and land on their links. Screenshots of
/// every page, on a desktop and on a 360-pixel phone.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class TokenJourneyTests(Chromium chromium) : IAsyncLifetime
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
    [InlineData(false, "token-desktop")]
    [InlineData(true, "token-phone")]
    public async Task SoftwareToken_EnrolByTypedKey_LandsOnLinksWithTheNotice(bool phone, string journey)
    {
        var tanaka = DemoCustomers.All.Single(c => c.LoginId == "tanaka01");
        await using var customer = await chromium.NewCustomerAsync(phone);
        var page = await customer.NewPageAsync();

        await page.GotoAsync(new Uri(_bank, "/tokens/software").ToString());
        Assert.Equal("/login", new Uri(page.Url).AbsolutePath);
        await Chromium.ScreenshotAsync(page, journey, "1-login");
        await page.GetByLabel("ログインID").FillAsync(tanaka.LoginId);
        await page.GetByLabel("パスワード").FillAsync(tanaka.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "次へ" }).ClickAsync();

        await Chromium.ScreenshotAsync(page, journey, "2-login-otp");
        await page.GetByLabel("ワンタイムパスワード（6桁）").FillAsync(CustomerBrowser.CurrentCode(tanaka.LoginId));
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();

        Assert.Equal("/tokens/software", new Uri(page.Url).AbsolutePath);
        Assert.Equal("ソフトウェアトークンの登録", await page.Locator("h1").InnerTextAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "登録を開始する" }).ClickAsync();
        await Chromium.ScreenshotAsync(page, journey, "3-enrol");
        Assert.Equal(1, await page.Locator(".qr svg").CountAsync());
        var serial = await page.Locator("#serial-number").InnerTextAsync();
        Assert.True(SerialNumber.IsValid(serial), serial);
        var key = (await page.Locator("#manual-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        if (phone)
        {
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"));
        }

        await page.GetByLabel("アプリに表示されている数字（6桁）").FillAsync(Totp.Compute(Base32.Decode(key), Totp.TimeStepAt(DateTimeOffset.UtcNow)));
        await page.GetByLabel("確認暗証番号").FillAsync(tanaka.ConfirmationPin);
        await page.GetByLabel("確認暗証番号").PressAsync("Enter");

        var landed = new Uri(page.Url);
        await Chromium.ScreenshotAsync(page, journey, "4-links");
        Assert.Equal("/links", landed.AbsolutePath);
        Assert.Equal("token-registered", System.Web.HttpUtility.ParseQueryString(landed.Query)["notice"]);
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = $1", serial));
    }
}
