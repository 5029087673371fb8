using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankLink.CoreBanking;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using BankLink.Jose;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BankLink.Server.Tests.Journeys;

/// <summary>
/// The bank's staff in the operator console, in real Chromium with JavaScript off, as they would work: log in with
/// password and authenticator code, find a customer and revoke a link (the provider's token fails right after), lift a
/// stop (the customer logs in again), suspend a provider under four eyes (one admin asks, another approves; its token
/// fails), issue and renew an onboarding token that then registers a client, download the audit trail as CSV and check
/// its hash chain; and a viewer, who sees no change button and whose forged POST is refused. One server for the class:
/// each journey works on its own customer or provider. Screenshots in TestResults/journeys/operator-*.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class OperatorJourneyTests(Chromium chromium, OperatorJourneyTests.Fixture fixture) : IClassFixture<OperatorJourneyTests.Fixture>
{
    private const string SandboxName = "BankLink Sandbox Household Budget";

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly DemoBankDatabase _database = new();

        public BankLinkApp App { get; private set; } = null!;

        public Uri Bank { get; private set; } = null!;

        public DemoBankDatabase Database => _database;

        internal ProviderClient Provider { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _database.InitializeAsync();
            App = new BankLinkApp(_database.ConnectionString);
            Bank = App.StartRealServer();
            Provider = await ProviderClient.RegisterAsync(App);
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await _database.DisposeAsync();
        }
    }

    private BankLinkApp App => fixture.App;

    [Fact]
    public async Task FindCustomer_RevokeLink_TheProvidersTokenFailsRightAfter()
    {
        const string journey = "operator-revoke-link";
        var token = await LinkAsync(fixture.Provider, "tanaka01", accounts: 2);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Provider.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);
        var account = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Operator, "journey.revoker");
        await using var staff = await NewStaffBrowserAsync();
        var page = await LogInAsync(staff, account, journey);

        await NavigateAsync(page, "Customers");
        await page.GetByLabel("Search by").SelectOptionAsync("login_id");
        await page.GetByLabel("Login ID or number").FillAsync("tanaka01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Chromium.ScreenshotAsync(page, journey, "3-search");
        await page.GetByRole(AriaRole.Link, new() { Name = "tanaka01" }).ClickAsync();
        Assert.Equal("Customer tanaka01", await page.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, journey, "4-customer");

        var link = page.Locator("article.link-card").Filter(new() { HasText = SandboxName });
        await link.Locator("form.revoke-link").GetByLabel("Reason").FillAsync("customer cancelled the app by phone");
        await link.GetByRole(AriaRole.Button, new() { Name = "Revoke the link with " + SandboxName }).ClickAsync();

        Assert.Contains("The link was revoked", await page.Locator("#notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("No active link.", await page.Locator("#no-active-links").InnerTextAsync());
        Assert.Contains("revoked", await page.Locator("#ended-links").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "5-revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Provider.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);
    }

    [Fact]
    public async Task StoppedCustomer_OperatorLiftsTheStop_TheCustomerLogsInAgain()
    {
        const string journey = "operator-lift-stop";
        var customerBrowser = HttpBrowser();
        for (var i = 0; i < 5; i++)
        {
            await CustomerBrowser.LogInWithAsync(customerBrowser, "sato03", "Not-The-Password-" + i);
        }

        Assert.Equal("stopped", await fixture.Database.ScalarAsync<string>("SELECT status FROM customers WHERE login_id = 'sato03'"));
        var account = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Operator, "journey.unlocker");
        await using var staff = await NewStaffBrowserAsync();
        var page = await LogInAsync(staff, account, journey);

        await page.GotoAsync(new Uri(fixture.Bank, "/console/customers?by=login_id&q=sato03").ToString());
        Assert.Contains("stopped (利用中止)", await page.Locator("#results").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Link, new() { Name = "sato03" }).ClickAsync();
        Assert.Contains("stopped (利用中止) since", await page.Locator("#customer-status").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("after 5 wrong attempts", await page.Locator("#customer-status").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "3-stopped");
        await page.Locator("#lift-stop-form").GetByLabel("Reason").FillAsync("identity confirmed by call-back");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lift the stop" }).ClickAsync();

        Assert.Contains("The stop (利用中止) was lifted", await page.Locator("#notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.StartsWith("active", await page.Locator("#customer-status").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "4-lifted");

        // The customer, in their own browser, logs in with password and one-time password.
        await using var customer = await chromium.NewCustomerAsync();
        var login = await customer.NewPageAsync();
        await login.GotoAsync(new Uri(fixture.Bank, "/login").ToString());
        await login.GetByLabel("ログインID").FillAsync("sato03");
        await login.GetByLabel("パスワード").FillAsync("Sandbox-Sato-03");
        await login.GetByRole(AriaRole.Button, new() { Name = "次へ" }).ClickAsync();
        await login.GetByLabel("ワンタイムパスワード（6桁）").FillAsync(CustomerBrowser.CurrentCode("sato03"));
        await login.GetByRole(AriaRole.Button, new() { Name = "ログイン" }).ClickAsync();
        Assert.EndsWith("/links", new Uri(login.Url).AbsolutePath, StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(login, journey, "5-customer-logged-in");
    }

    [Fact]
    public async Task SuspendProvider_FourEyes_AdminAAsksAdminBApproves_ItsTokenFails()
    {
        const string journey = "operator-suspend-provider";
        var providerId = Guid.NewGuid();
        await fixture.Database.ExecuteAsync("""
            INSERT INTO providers (id, name, name_ja, description, description_ja, status, created_at)
            VALUES ($1, 'Second Fintech', 'セカンドフィンテック', 'A second provider for the suspension journey', '停止の確認用', 'active', now())
            """, providerId);
        var other = await ProviderClient.RegisterAsync(App);
        await fixture.Database.ExecuteAsync("UPDATE clients SET provider_id = $1 WHERE client_id = $2", providerId, other.ClientId);
        await App.ChangesArrivedAsync();
        var token = await LinkAsync(other, "suzuki02", accounts: 1);
        Assert.Equal(HttpStatusCode.OK, (await other.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);
        var adminA = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Admin, "journey.admin.a");
        var adminB = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Admin, "journey.admin.b");

        // Admin A asks: nothing changes yet.
        await using var staffA = await NewStaffBrowserAsync();
        var pageA = await LogInAsync(staffA, adminA, journey, "a-");
        await NavigateAsync(pageA, "Providers");
        await pageA.GetByRole(AriaRole.Link, new() { Name = "Second Fintech" }).ClickAsync();
        Assert.Equal("1", await pageA.Locator("#active-links").InnerTextAsync());
        await Chromium.ScreenshotAsync(pageA, journey, "a-3-provider");
        await pageA.Locator("#suspend-form").GetByLabel("Reason").FillAsync("provider reported a data leak");
        await pageA.GetByRole(AriaRole.Button, new() { Name = "Suspend (needs a second operator's approval)" }).ClickAsync();
        var requestId = (await pageA.Locator("#pending-id").InnerTextAsync()).Trim();
        Assert.Contains("Waiting for a second operator's approval", await pageA.Locator("#pending").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("active", await pageA.Locator("#provider-status").InnerTextAsync());
        await Chromium.ScreenshotAsync(pageA, journey, "a-4-requested");
        Assert.Equal(HttpStatusCode.OK, (await other.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);

        // A cannot approve their own request (A follows the notice's link to the approvals).
        await pageA.Locator("#pending").GetByRole(AriaRole.Link, new() { Name = "Approvals" }).ClickAsync();
        var ownRequest = pageA.Locator($"article[id='request-{requestId}']");
        await ownRequest.GetByLabel("Why you approve").FillAsync("approving my own request");
        await ownRequest.GetByRole(AriaRole.Button, new() { Name = "Approve and carry out" }).ClickAsync();
        Assert.Equal("Another operator must approve a request: four eyes.", await pageA.Locator("#error").InnerTextAsync());
        await Chromium.ScreenshotAsync(pageA, journey, "a-5-own-approval-refused");

        // Admin B approves: the suspension is carried out at once.
        await using var staffB = await NewStaffBrowserAsync();
        var pageB = await LogInAsync(staffB, adminB, journey, "b-");
        await NavigateAsync(pageB, "Approvals");
        var request = pageB.Locator($"article[id='request-{requestId}']");
        Assert.Contains("provider_suspend", await request.InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(pageB, journey, "b-3-approvals");
        await request.GetByLabel("Why you approve").FillAsync("confirmed the leak with the provider");
        await request.GetByRole(AriaRole.Button, new() { Name = "Approve and carry out" }).ClickAsync();
        Assert.Equal("Approved and carried out.", await pageB.Locator("#notice").InnerTextAsync());
        await pageB.GotoAsync(new Uri(fixture.Bank, $"/console/providers/{providerId}").ToString());
        Assert.Equal("suspended", await pageB.Locator("#provider-status").InnerTextAsync());
        await Chromium.ScreenshotAsync(pageB, journey, "b-4-suspended");

        Assert.Equal(HttpStatusCode.Unauthorized, (await other.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);
    }

    [Fact]
    public async Task OnboardingToken_IssueThenRenew_TheNewSecretRegistersAClientAndTheOldOneNoLonger()
    {
        const string journey = "operator-onboarding-token";
        var admin = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Admin, "journey.onboarder");
        await using var staff = await NewStaffBrowserAsync();
        var page = await LogInAsync(staff, admin, journey);

        await NavigateAsync(page, "Onboarding tokens");
        await page.GetByLabel("Provider").SelectOptionAsync(SandboxProvider.Id.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await page.GetByLabel("Person (name as on the approval)").FillAsync("Hanako Yamada");
        await page.Locator("#issue-form").GetByLabel("Reason").FillAsync("approved onboarding of the provider's engineer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Issue token" }).ClickAsync();
        var first = (await page.Locator("#new-token-value").InnerTextAsync()).Trim();
        Assert.Matches("^[0-9A-Za-z]{8}@[0-9A-Za-z]{16}$", first);
        Assert.Contains("Shown this once", await page.Locator("#new-token").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("valid, not used yet", await page.Locator($"#token-{first[..8]}").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "3-issued");

        var row = page.Locator($"#token-{first[..8]}");
        await row.GetByText("Renew or revoke").ClickAsync();
        await row.GetByLabel("Reason").First.FillAsync("the engineer lost the first token");
        await row.GetByRole(AriaRole.Button, new() { Name = "Renew " + first[..8] }).ClickAsync();
        var renewed = (await page.Locator("#new-token-value").InnerTextAsync()).Trim();
        Assert.NotEqual(first, renewed);
        Assert.Contains("renewed as " + renewed[..8], await page.Locator($"#token-{first[..8]}").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "4-renewed");

        Assert.Equal(HttpStatusCode.Unauthorized, (await RegisterClientAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await RegisterClientAsync(renewed)).StatusCode);
        await page.ReloadAsync();
        Assert.Contains("valid, used for 1 client(s)", await page.Locator($"#token-{renewed[..8]}").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(renewed, await page.ContentAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "5-used");
    }

    [Fact]
    public async Task ServiceHours_AMistakeIsShownBesideItsField_ThenTheWindowIsSavedAndNamedAsTheNextClosure()
    {
        const string journey = "operator-service-hours";
        var admin = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Admin, "journey.hours");
        await using var staff = await NewStaffBrowserAsync();
        var page = await LogInAsync(staff, admin, journey);

        await NavigateAsync(page, "Service hours");
        Assert.Equal("The service stays open: around the clock, no maintenance planned.", await page.Locator("#next-closure").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, journey, "3-hours");
        await page.GetByLabel("Monday", new() { Exact = true }).FillAsync("09:00-25:00");
        await page.GetByLabel("Maintenance windows").FillAsync("2099-12-31 21:00, 2100-01-01 06:00, year-end core maintenance");
        await page.Locator("#edit-form").GetByLabel("Reason (required").FillAsync("plan the year-end window");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the service hours" }).ClickAsync();

        Assert.Contains("Must be comma-separated HH:mm-HH:mm ranges", await page.Locator("#error-monday").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetByLabel("Monday", new() { Exact = true }).GetAttributeAsync("aria-invalid"));
        Assert.Contains("year-end core maintenance", await page.GetByLabel("Maintenance windows").InputValueAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "4-field-error");
        await page.GetByLabel("Monday", new() { Exact = true }).FillAsync("00:00-24:00");
        Assert.Equal("plan the year-end window", await page.Locator("#edit-form").GetByLabel("Reason (required").InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the service hours" }).ClickAsync();

        Assert.StartsWith("The service hours were saved", await page.Locator("#notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("Next closure at 2099-12-31 21:00 (Japan time) because of maintenance (year-end core maintenance), until 2100-01-01 06:00 (Japan time).",
            await page.Locator("#next-closure").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, journey, "5-saved");

        await page.Locator("#revert-form").GetByLabel("Reason").FillAsync("the window moved to the core team's calendar");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revert to configuration" }).ClickAsync();
        Assert.StartsWith("The configured service hours", await page.Locator("#notice").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("None planned.", await page.Locator("#no-maintenance").InnerTextAsync());
    }

    [Fact]
    public async Task AuditTrail_FilterDownloadTheCsvAndVerifyTheChain()
    {
        const string journey = "operator-audit-export";
        await LinkAsync(fixture.Provider, "ito06", accounts: 1);
        var viewer = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Viewer, "journey.auditor");
        await using var staff = await NewStaffBrowserAsync();
        var page = await LogInAsync(staff, viewer, journey);

        await NavigateAsync(page, "Audit trail");
        await page.GetByLabel("Customer (login ID or id)").FillAsync("ito06");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        Assert.Contains("grant_created", await page.Locator("#events").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "3-filtered");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV of everything these filters match" }).ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync(), Encoding.UTF8);
        Assert.Matches(@"^banklink-audit-\d{8}-\d{6}\.csv$", download.SuggestedFilename);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,occurred_at,event_type,actor_kind,actor_id,customer_id,customer_login_id", lines[0].TrimStart('\uFEFF'), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains(",grant_created,", StringComparison.Ordinal) && l.Contains(",ito06,", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.Contains(",ito06,", l, StringComparison.Ordinal));

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the hash chain" }).ClickAsync();
        Assert.StartsWith("Intact:", await page.Locator("#verify-result").InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, journey, "4-verified");
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE event_type = 'audit_exported' AND actor_id = 'journey.auditor'"));
    }

    [Fact]
    public async Task Viewer_SeesNoChangeButton_AndAForgedPostIsRefused403()
    {
        const string journey = "operator-viewer";
        await LinkAsync(fixture.Provider, "takahashi04", accounts: 1);
        var customerId = await fixture.Database.ScalarAsync<Guid>("SELECT id FROM customers WHERE login_id = 'takahashi04'");
        var grantId = await fixture.Database.ScalarAsync<Guid>("SELECT id FROM grants WHERE customer_id = $1 AND status = 'active'", customerId);
        var viewer = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Viewer, "journey.viewer");
        await using var staff = await NewStaffBrowserAsync();
        var page = await LogInAsync(staff, viewer, journey);

        await page.GotoAsync(new Uri(fixture.Bank, $"/console/customers/{customerId}").ToString());
        Assert.Contains(SandboxName, await page.Locator("article.link-card").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).CountAsync());
        Assert.Equal(0, await page.Locator("main form[method=post]").CountAsync());
        await Chromium.ScreenshotAsync(page, journey, "3-customer-read-only");

        // The same POST the operator's button sends, with the viewer's own session and antiforgery token.
        var antiforgery = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var forged = await page.APIRequest.PostAsync(new Uri(fixture.Bank, $"/console/customers/{customerId}?handler=RevokeLink").ToString(), new()
        {
            Form = page.APIRequest.CreateFormData().Set("grant", grantId.ToString()).Set("reason", "forged by a viewer").Set("__RequestVerificationToken", antiforgery!),
            MaxRedirects = 0,
        });

        Assert.Equal(403, forged.Status);
        Assert.Contains("Your role (viewer) does not allow this change", await forged.TextAsync(), StringComparison.Ordinal);
        Assert.Equal("active", await fixture.Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", grantId));
    }

    /// <summary>
    /// A browser as plain HTTP against the real server (cookies kept, redirects not followed). The in-memory helpers'
    /// clients talk to the test server, which this class does not start.
    /// </summary>
    private HttpClient HttpBrowser() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
    {
        BaseAddress = fixture.Bank,
    };

    /// <summary>
    /// A customer links <paramref name="provider"/> as ResourceApiTests.LinkAsync does (pushed request, login with the
    /// one-time password, consent for the first <paramref name="accounts"/> linkable accounts, code exchange), over the
    /// real server. Returns the DPoP-bound access token.
    /// </summary>
    private async Task<string> LinkAsync(ProviderClient provider, string loginId, int accounts)
    {
        var customer = DemoCustomers.All.Single(c => c.LoginId == loginId);
        var pushed = await provider.PushAsync(provider.ParParameters().Where(p => p.Key != "scope").Append(new("scope", "openid balance transactions")));
        var requestUri = (await pushed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
        using var browser = HttpBrowser();
        var login = await CustomerBrowser.LogInWithAsync(browser, loginId, customer.Password);
        Assert.Equal("/links", login.Headers.Location?.OriginalString);
        var consent = await browser.GetAsync(new Uri($"/consent?client_id={provider.ClientId}&request_uri={Uri.EscapeDataString(requestUri)}", UriKind.Relative));
        var ticked = (await App.Services.GetRequiredService<ICoreBankingGateway>().GetAccountsAsync(customer.CustomerNumber, CancellationToken.None))
            .Where(a => a.IsLinkable).Take(accounts);
        var approve = await browser.PostAsync(new Uri("/consent", UriKind.Relative), new FormUrlEncodedContent(
            [new("client_id", provider.ClientId), new("request_uri", requestUri), .. ticked.Select(a => new KeyValuePair<string, string>("account", a.Id.ToString())),
             new("approve", "approve"), new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(consent))]));
        var code = System.Web.HttpUtility.ParseQueryString(approve.Headers.Location!.Query)["code"]!;
        var tokens = await provider.PostAsync("/connect/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", ProviderClient.RedirectUri),
             new("code_verifier", "verifier-that-is-long-enough-to-be-a-real-pkce-verifier")],
            provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));
        return (await tokens.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    /// <summary>Follows one of the console's navigation links.</summary>
    private static Task NavigateAsync(IPage page, string section) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Link, new() { Name = section, Exact = true }).ClickAsync();

    /// <summary>A staff member's browser: English, desktop, Japan's time zone, no JavaScript.</summary>
    private Task<IBrowserContext> NewStaffBrowserAsync() => chromium.Browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        JavaScriptEnabled = false,
        Locale = "en-GB",
        TimezoneId = "Asia/Tokyo",
        AcceptDownloads = true,
    });

    /// <summary>The console login: login ID and password, then the authenticator app's code; ends on the dashboard.</summary>
    private async Task<IPage> LogInAsync(IBrowserContext context, OperatorTestAccount account, string journey, string prefix = "")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(fixture.Bank, "/console").ToString());
        Assert.Equal("Operator login", await page.Locator("h1").InnerTextAsync());
        await page.GetByLabel("Login ID").FillAsync(account.LoginId);
        await page.GetByLabel("Password").FillAsync(account.Password);
        await Chromium.ScreenshotAsync(page, journey, prefix + "1-login");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByLabel("Code").FillAsync(await OperatorTestAccounts.NextCodeAsync(App, account));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        Assert.Equal("Dashboard", await page.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, journey, prefix + "2-dashboard");
        return page;
    }

    /// <summary>A provider's engineer registering a FAPI 2.0 client with an onboarding token (RFC 7591).</summary>
    private async Task<HttpResponseMessage> RegisterClientAsync(string onboardingToken)
    {
        var key = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), "client-key", includePrivate: true);
        var metadata = new JsonObject
        {
            ["client_name"] = "Onboarded App",
            ["redirect_uris"] = new JsonArray(ProviderClient.RedirectUri),
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["scope"] = "openid balance",
            ["jwks"] = JsonNode.Parse($$"""{"keys":[{{key.ToPublicJson()}}]}"""),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/register")
        {
            Content = new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", onboardingToken);
        return await App.CreateClient().SendAsync(request);
    }
}
