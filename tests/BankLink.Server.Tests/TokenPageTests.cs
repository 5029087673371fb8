using System.Net;
using System.Text.RegularExpressions;
using BankLink.DemoBank;
using BankLink.Data.Otp;
using BankLink.Domain.Otp;
using BankLink.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// The customer's token pages (DOMAIN.md "Proving who the customer is"): enrolling an authenticator app at
/// /tokens/software and registering a hardware token at /tokens/hardware, each with its serial, a current code and
/// the confirmation PIN; one message for any wrong factor; logged-in only, antiforgery, no framing, no seed in logs.
/// </summary>
public sealed partial class TokenPageTests : IAsyncLifetime
{
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static DemoCustomer Demo(string loginId) => DemoCustomers.All.Single(c => c.LoginId == loginId);

    private Task<HttpClient> LogInAsync(DemoCustomer customer) => CustomerBrowser.LogInAsync(_app, customer.LoginId, customer.Password);

    private Task<int> FailuresAsync(DemoCustomer customer) =>
        _database.ScalarAsync<int>("SELECT consecutive_failures FROM customers WHERE login_id = $1", customer.LoginId);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, HttpResponseMessage page, params (string Name, string Value)[] fields) =>
        await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(
            [.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)),
             new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(page)), new("accept", "accept")]));

    /// <summary>The page, then its start button: the enrolment and its seed come only in answer to that POST.</summary>
    private static async Task<HttpResponseMessage> BeginAsync(HttpClient browser)
    {
        var intro = await browser.GetAsync(new Uri("/tokens/software", UriKind.Relative));
        return await browser.PostAsync(new Uri("/tokens/software?handler=Begin", UriKind.Relative), new FormUrlEncodedContent(
            [new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(intro)), new("start", "start")]));
    }

    [Fact]
    public async Task SoftwareEnrolment_OpeningThePage_StartsNothingUntilTheButton()
    {
        var browser = await LogInAsync(Demo("ito06"));

        var html = await (await browser.GetAsync(new Uri("/tokens/software", UriKind.Relative))).Content.ReadAsStringAsync();

        // A link from anywhere can open the page, so opening it must not start or replace an enrolment.
        Assert.Contains("action=\"/tokens/software?handler=Begin\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM otp_devices WHERE status = 'pending'"));
    }

    private static string CodeNow(string base32, int stepsAhead = 0) =>
        Totp.Compute(Base32.Decode(base32), Totp.TimeStepAt(DateTimeOffset.UtcNow) + stepsAhead);

    /// <summary>The enrolment page as a customer reads it: the serial in the form and the key typed by hand, without its spaces.</summary>
    private static (string Serial, string Key) ReadEnrolment(string html) =>
        (HiddenSerial().Match(html).Groups[1].Value, ManualKey().Match(html).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public async Task SoftwareEnrolment_KeyFromThePageCodeAndPin_TokenActiveAndLogsInAnotherBrowser()
    {
        var tanaka = Demo("tanaka01");
        var browser = await LogInAsync(tanaka);

        var page = await BeginAsync(browser);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var (serial, key) = ReadEnrolment(html);
        Assert.True(SerialNumber.IsValid(serial), serial);
        Assert.Contains($"id=\"serial-number\">{serial}<", html, StringComparison.Ordinal);
        Assert.Equal(32, key.Length);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Equal("pending", await _database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = $1", serial));

        var code = CodeNow(key);
        var confirm = await PostAsync(browser, "/tokens/software", page, ("serial", serial), ("otp", code), ("pin", tanaka.ConfirmationPin));

        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        Assert.Equal("/links?notice=token-registered", confirm.Headers.Location!.OriginalString);
        Assert.Equal("active", await _database.ScalarAsync<string>(
            "SELECT d.status FROM otp_devices d JOIN customers c ON c.id = d.customer_id WHERE d.serial_number = $1 AND c.login_id = $2", serial, tanaka.LoginId));

        // The code that registered the token is spent (RFC 6238 §5.2); the next step's code logs in.
        using var another = await CustomerBrowser.LogInAsync(_app, tanaka.LoginId, tanaka.Password, CodeNow(key, stepsAhead: 1));

        Assert.DoesNotContain(_app.Logs.Entries, e => e.Contains(key, StringComparison.Ordinal)
            || e.Contains(GroupInFours(key), StringComparison.Ordinal)
            || e.Contains("secret=", StringComparison.OrdinalIgnoreCase)
            || e.Contains("pin=", StringComparison.OrdinalIgnoreCase)
            || e.Contains("otp=", StringComparison.OrdinalIgnoreCase));
    }

    private static string GroupInFours(string key) => string.Join(' ', key.Chunk(4).Select(c => new string(c)));

    [Fact]
    public async Task SoftwareEnrolment_QrCode_IsInlineSvgWithoutStylesScriptsOrTheUriAsText()
    {
        var browser = await LogInAsync(Demo("ito06"));

        var html = await (await BeginAsync(browser)).Content.ReadAsStringAsync();

        var svg = Regex.Match(html, "<svg.*?</svg>", RegexOptions.Singleline).Value;
        Assert.NotEmpty(svg);
        Assert.DoesNotContain("style", svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("otpauth", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SoftwareEnrolment_WrongPin_OneMessageFailureCountedSameEnrolmentNoSeedAgain()
    {
        var suzuki = Demo("suzuki02");
        var browser = await LogInAsync(suzuki);
        var page = await BeginAsync(browser);
        var (serial, key) = ReadEnrolment(await page.Content.ReadAsStringAsync());

        var wrong = await PostAsync(browser, "/tokens/software", page, ("serial", serial), ("otp", CodeNow(key)), ("pin", "0000"));
        var html = await wrong.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("ワンタイムパスワードまたは確認暗証番号が正しくありません。", html, StringComparison.Ordinal);
        Assert.Equal(1, await FailuresAsync(suzuki));
        Assert.Contains($"name=\"serial\" value=\"{serial}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(key[..8], html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("0000", html, StringComparison.Ordinal);
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM otp_devices d JOIN customers c ON c.id = d.customer_id WHERE c.login_id = $1 AND d.status = 'pending'", suzuki.LoginId));

        // The same enrolment, confirmed from the page the refusal showed: the app already holds its seed.
        var right = await PostAsync(browser, "/tokens/software", wrong, ("serial", serial), ("otp", CodeNow(key)), ("pin", suzuki.ConfirmationPin));

        Assert.Equal("/links?notice=token-registered", right.Headers.Location!.OriginalString);
        Assert.Equal(0, await FailuresAsync(suzuki));
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = $1", serial));
    }

    [Fact]
    public async Task SoftwareEnrolment_LastAttempts_WarnsThenStopsAndSignsOut()
    {
        var watanabe = Demo("watanabe05");
        var browser = await LogInAsync(watanabe);
        var page = await BeginAsync(browser);
        var (serial, key) = ReadEnrolment(await page.Content.ReadAsStringAsync());
        await _database.ExecuteAsync("UPDATE customers SET consecutive_failures = 3 WHERE login_id = $1", watanabe.LoginId);

        var oneLeft = await PostAsync(browser, "/tokens/software", page, ("serial", serial), ("otp", CodeNow(key)), ("pin", "9999"));
        var html = await oneLeft.Content.ReadAsStringAsync();
        Assert.Contains("ワンタイムパスワードまたは確認暗証番号が正しくありません。", html, StringComparison.Ordinal);
        Assert.Contains("あと1回間違えると", html, StringComparison.Ordinal);

        var stopped = await PostAsync(browser, "/tokens/software", oneLeft, ("serial", serial), ("otp", CodeNow(key)), ("pin", "9999"));

        Assert.Equal("/login?e=Stopped", stopped.Headers.Location!.OriginalString);
        Assert.Equal("stopped", await _database.ScalarAsync<string>("SELECT status FROM customers WHERE login_id = $1", watanabe.LoginId));
        var afterwards = await browser.GetAsync(new Uri("/tokens/software", UriKind.Relative));
        Assert.StartsWith("/login?", afterwards.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SoftwareEnrolment_AfterTenMinutes_StartAgainNoForm()
    {
        var takahashi = Demo("takahashi04");
        var browser = await LogInAsync(takahashi);
        var page = await BeginAsync(browser);
        var (serial, key) = ReadEnrolment(await page.Content.ReadAsStringAsync());
        await _database.ExecuteAsync("UPDATE otp_devices SET pending_expires_at = now() - interval '1 second' WHERE serial_number = $1", serial);

        var late = await PostAsync(browser, "/tokens/software", page, ("serial", serial), ("otp", CodeNow(key)), ("pin", takahashi.ConfirmationPin));
        var html = await late.Content.ReadAsStringAsync();

        Assert.Contains("登録の期限（10分）を過ぎました。", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/tokens/software?handler=Begin\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"otp\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await FailuresAsync(takahashi));
    }

    [Fact]
    public async Task HardwareRegistration_InStockDevice_WrongSerialRefusedThenRegistered()
    {
        const string Seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        await _app.Services.GetRequiredService<OtpDeviceStore>()
            .ImportHardwareDevicesAsync([new VendorDevice("4200000001", Base32.Decode(Seed))], "test", CancellationToken.None);
        var sato = Demo("sato03");
        var browser = await LogInAsync(sato);
        var page = await browser.GetAsync(new Uri("/tokens/hardware", UriKind.Relative));
        var form = await page.Content.ReadAsStringAsync();
        Assert.Contains("name=\"serial\" inputmode=\"numeric\"", form, StringComparison.Ordinal);
        Assert.Contains("<label for=\"serial\">", form, StringComparison.Ordinal);

        var wrong = await PostAsync(browser, "/tokens/hardware", page, ("serial", "4200000002"), ("otp", CodeNow(Seed)), ("pin", sato.ConfirmationPin));
        var html = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("シリアル番号、ワンタイムパスワードまたは確認暗証番号が正しくありません。", html, StringComparison.Ordinal);
        Assert.Contains("value=\"4200000002\"", html, StringComparison.Ordinal);
        Assert.Equal(1, await FailuresAsync(sato));

        var right = await PostAsync(browser, "/tokens/hardware", wrong, ("serial", "4200-000-001"), ("otp", CodeNow(Seed)), ("pin", sato.ConfirmationPin));

        Assert.Equal("/links?notice=token-registered", right.Headers.Location!.OriginalString);
        Assert.Equal(sato.LoginId, await _database.ScalarAsync<string>(
            "SELECT c.login_id FROM otp_devices d JOIN customers c ON c.id = d.customer_id WHERE d.serial_number = '4200000001' AND d.status = 'active'"));
        Assert.Equal(0, await FailuresAsync(sato));
    }

    [Theory]
    [InlineData("/tokens/software")]
    [InlineData("/tokens/hardware")]
    public async Task Pages_NotLoggedIn_RedirectToLoginAndBack(string path)
    {
        using var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await browser.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/login?", location, StringComparison.Ordinal);
        Assert.Equal(path, System.Web.HttpUtility.ParseQueryString(location[location.IndexOf('?', StringComparison.Ordinal)..])["returnUrl"]);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM otp_devices WHERE status = 'pending'"));
    }

    [Fact]
    public async Task Pages_PostWithoutAntiforgeryToken_400AndNothingChecked()
    {
        var ito = Demo("ito06");
        var browser = await LogInAsync(ito);
        var page = await BeginAsync(browser);
        var (serial, key) = ReadEnrolment(await page.Content.ReadAsStringAsync());

        foreach (var path in new[] { "/tokens/software", "/tokens/hardware" })
        {
            var response = await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(
                [new("serial", serial), new("otp", CodeNow(key)), new("pin", ito.ConfirmationPin), new("accept", "accept")]));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal("pending", await _database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = $1", serial));
    }

    [Theory]
    [InlineData("/tokens/software")]
    [InlineData("/tokens/hardware")]
    public async Task Pages_Headers_NoFramingStrictCspNoStore(string path)
    {
        var browser = await CustomerBrowser.LoggedInAsync(_app, "tanaka01", "Sandbox-Tanaka-01");

        var response = await browser.GetAsync(new Uri(path, UriKind.Relative));

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [GeneratedRegex("name=\"serial\" value=\"([0-9]{10})\"")]
    private static partial Regex HiddenSerial();

    [GeneratedRegex("<code class=\"key\" id=\"manual-key\">([A-Z2-7 ]+)</code>")]
    private static partial Regex ManualKey();
}
