using System.Net;
using System.Text.RegularExpressions;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>
/// The operator console's pages over the real HTTP pipeline on the demo bank: every page renders for every role, change
/// forms only for the roles that may use them, and every refusal a form can meet (no antiforgery token, a viewer's
/// forged POST, no reason, unknown or malformed ids, bad search terms and filters, invalid service hours, an approval by
/// the requester) answers with its status and a message, never a 500. One application for the class: each test that
/// changes something changes its own customer or setting.
/// </summary>
public sealed partial class ConsolePagesTests(ConsolePagesTests.Fixture fixture) : IClassFixture<ConsolePagesTests.Fixture>
{
    private const string Reason = "customer called the help desk";

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly DemoBankDatabase _database = new();

        public BankLinkApp App { get; private set; } = null!;

        public DemoBankDatabase Database => _database;

        internal ProviderClient Provider { get; private set; } = null!;

        public OperatorTestAccount Viewer { get; private set; } = null!;

        public OperatorTestAccount Operator { get; private set; } = null!;

        public OperatorTestAccount Admin { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _database.InitializeAsync();
            App = new BankLinkApp(_database.ConnectionString);
            Provider = await ProviderClient.RegisterAsync(App);
            Viewer = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Viewer, "pages.viewer");
            Operator = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Operator, "pages.operator");
            Admin = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Admin, "pages.admin");
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await _database.DisposeAsync();
        }

        public Task<Guid> CustomerIdAsync(string loginId) => _database.ScalarAsync<Guid>("SELECT id FROM customers WHERE login_id = $1", loginId);

        /// <summary>A new link of <paramref name="loginId"/> with the test provider; returns its grant id and access token.</summary>
        public async Task<(Guid GrantId, string AccessToken)> LinkAsync(string loginId)
        {
            var token = await ResourceApiTests.LinkAsync(Provider, loginId, accounts: 2);
            var grant = await _database.ScalarAsync<Guid>(
                "SELECT g.id FROM grants g JOIN customers c ON c.id = g.customer_id WHERE c.login_id = $1 AND g.status = 'active' ORDER BY g.created_at DESC LIMIT 1", loginId);
            return (grant, token);
        }
    }

    private BankLinkApp App => fixture.App;

    private static Task<HttpResponseMessage> GetAsync(HttpClient browser, string path) => browser.GetAsync(new Uri(path, UriKind.Relative));

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    /// <summary>POSTs a form to <paramref name="path"/> with an antiforgery token from <paramref name="tokenPage"/> (none when null).</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, List<KeyValuePair<string, string>> fields, string? tokenPage = "/console")
    {
        if (tokenPage is not null)
        {
            fields.Add(new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(await GetAsync(browser, tokenPage))));
        }

        return await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    private static string Alert(string html) => AlertPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : "";

    [Fact]
    public async Task EveryPage_EachRole_Renders200WithTheConsoleHeaders()
    {
        var tanaka = await fixture.CustomerIdAsync("tanaka01");
        string[] pages =
        [
            "/console", "/console?view=day", "/console/customers", "/console/customers?by=login_id&q=tanaka01", $"/console/customers/{tanaka}",
            "/console/providers", $"/console/providers/{SandboxProvider.Id}", "/console/onboarding-tokens", $"/console/onboarding-tokens?provider={SandboxProvider.Id}",
            "/console/service-hours", "/console/audit", "/console/approvals",
        ];

        foreach (var account in new[] { fixture.Viewer, fixture.Operator, fixture.Admin })
        {
            var browser = await OperatorTestAccounts.LoggedInAsync(App, account);
            foreach (var page in pages)
            {
                var response = await GetAsync(browser, page);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page} as {account.Role}: {(int)response.StatusCode} {Alert(await HtmlAsync(response))}");
                Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
                Assert.Contains("no-store", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Dashboard_PerHourAndPerDay_FourSvgChartsWithTheirTables()
    {
        await fixture.LinkAsync("suzuki02");
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Viewer);

        var hourly = await HtmlAsync(await GetAsync(browser, "/console"));
        var daily = await HtmlAsync(await GetAsync(browser, "/console?view=day"));

        foreach (var id in new[] { "chart-tokens", "chart-links", "chart-refusals", "chart-lockouts" })
        {
            Assert.Contains($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 240\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\"", hourly, StringComparison.Ordinal);
            Assert.Contains($"aria-labelledby=\"{id}-title {id}-desc\"", daily, StringComparison.Ordinal);
        }

        Assert.Equal(48, RowCount(hourly, "table-tokens"));
        Assert.Equal(30, RowCount(daily, "table-lockouts"));
        Assert.Matches(@"Access tokens issued per hour: [1-9][0-9,]* in total", hourly);
        Assert.Contains("aria-current=\"page\" id=\"view-day\"", daily, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", hourly, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CustomerPage_OperatorSeesTheActions_ViewerSeesTheLinkWithoutThem()
    {
        var customer = await fixture.CustomerIdAsync("sato03");
        var (grant, _) = await fixture.LinkAsync("sato03");

        var asViewer = await HtmlAsync(await GetAsync(await OperatorTestAccounts.LoggedInAsync(App, fixture.Viewer), $"/console/customers/{customer}"));
        var asOperator = await HtmlAsync(await GetAsync(await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator), $"/console/customers/{customer}"));

        Assert.Contains(grant.ToString(), asViewer, StringComparison.Ordinal);
        Assert.Contains("***5667", asViewer, StringComparison.Ordinal);
        Assert.DoesNotContain("4455667", asViewer, StringComparison.Ordinal);
        Assert.DoesNotContain("Revoke the link", asViewer, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=", asViewer, StringComparison.Ordinal);
        Assert.Contains("Revoke the link with BankLink Sandbox Household Budget", asOperator, StringComparison.Ordinal);
        Assert.Contains("Revoke every link of this customer (needs a second operator's approval)", asOperator, StringComparison.Ordinal);
        Assert.Contains("id=\"last-token-warning\"", asOperator, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeLink_NoAntiforgeryToken_400AndTheLinkStays()
    {
        var customer = await fixture.CustomerIdAsync("takahashi04");
        var (grant, token) = await fixture.LinkAsync("takahashi04");
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator);

        var answer = await PostAsync(browser, $"/console/customers/{customer}?handler=RevokeLink", [new("grant", grant.ToString()), new("reason", Reason)], tokenPage: null);
        var asGet = await GetAsync(browser, $"/console/customers/{customer}?handler=RevokeLink&grant={grant}&reason=link%20by%20GET");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.NotEqual(HttpStatusCode.InternalServerError, asGet.StatusCode);
        Assert.Equal("active", await fixture.Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", grant));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Provider.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);
    }

    [Fact]
    public async Task RevokeLink_ForgedByAViewer_403WithTheRoleAndTheLinkStays()
    {
        var customer = await fixture.CustomerIdAsync("takahashi04");
        var (grant, _) = await fixture.LinkAsync("takahashi04");
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Viewer);

        var answer = await PostAsync(browser, $"/console/customers/{customer}?handler=RevokeLink", [new("grant", grant.ToString()), new("reason", Reason)]);

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("Your role (viewer) does not allow this change", Alert(await HtmlAsync(answer)), StringComparison.Ordinal);
        Assert.Equal("active", await fixture.Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", grant));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ok")]
    public async Task RevokeLink_NoUsableReason_400SaysSoAndTheLinkStays(string reason)
    {
        var customer = await fixture.CustomerIdAsync("watanabe05");
        var (grant, _) = await fixture.LinkAsync("watanabe05");
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator);

        var answer = await PostAsync(browser, $"/console/customers/{customer}?handler=RevokeLink", [new("grant", grant.ToString()), new("reason", reason)]);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("Give a reason of 5 to 500 characters", Alert(await HtmlAsync(answer)), StringComparison.Ordinal);
        Assert.Equal("active", await fixture.Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", grant));
    }

    [Fact]
    public async Task RevokeLink_ReasonOnSeveralLines_DoneWithTheReasonOnOneLine()
    {
        var customer = await fixture.CustomerIdAsync("ito06");
        var (grant, token) = await fixture.LinkAsync("ito06");
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator);

        var answer = await PostAsync(browser, $"/console/customers/{customer}?handler=RevokeLink",
            [new("grant", grant.ToString()), new("reason", "customer reported\r\nthe phone stolen")]);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal($"/console/customers/{customer}?done=link-revoked", answer.Headers.Location!.OriginalString);
        Assert.Contains("The link was revoked", await HtmlAsync(await GetAsync(browser, answer.Headers.Location.OriginalString)), StringComparison.Ordinal);
        Assert.Equal("customer reported the phone stolen", await fixture.Database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'reason' FROM audit_events WHERE event_type = 'link_revoked' AND grant_id = $1", grant));
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Provider.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);
    }

    [Fact]
    public async Task UnknownOrMalformedIds_404WithAMessage_Never500()
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Admin);
        var tanaka = await fixture.CustomerIdAsync("tanaka01");
        var nobody = Guid.NewGuid();

        var customer = await GetAsync(browser, $"/console/customers/{nobody}");
        var provider = await GetAsync(browser, $"/console/providers/{nobody}");
        var tokens = await GetAsync(browser, $"/console/onboarding-tokens?provider={nobody}");
        var notAGuid = await GetAsync(browser, "/console/customers/tanaka01");
        var unknownGrant = await PostAsync(browser, $"/console/customers/{tanaka}?handler=RevokeLink", [new("grant", nobody.ToString()), new("reason", Reason)]);
        var malformedGrant = await PostAsync(browser, $"/console/customers/{tanaka}?handler=RemoveAccount", [new("grant", "x'; DROP"), new("account", "1"), new("reason", Reason)]);
        var unknownCustomer = await PostAsync(browser, $"/console/customers/{nobody}?handler=LiftStop", [new("reason", Reason)]);
        var unknownSerial = await PostAsync(browser, $"/console/customers/{tanaka}?handler=DeregisterToken", [new("serial", "1234567890"), new("reason", Reason)]);
        var unknownToken = await PostAsync(browser, "/console/onboarding-tokens?handler=Revoke",
            [new("provider", SandboxProvider.Id.ToString()), new("token", "nothere1"), new("reason", Reason)]);
        var unknownRequest = await PostAsync(browser, "/console/approvals?handler=Approve", [new("request", nobody.ToString()), new("reason", Reason)]);
        var unknownRecipient = await PostAsync(browser, $"/console/providers/{SandboxProvider.Id}?handler=RemoveRecipient", [new("recipient", nobody.ToString()), new("reason", Reason)]);

        Assert.Equal(HttpStatusCode.NotFound, customer.StatusCode);
        Assert.Equal("No customer has that id.", Alert(await HtmlAsync(customer)));
        Assert.Equal(HttpStatusCode.NotFound, provider.StatusCode);
        Assert.Contains("No provider has the id", Alert(await HtmlAsync(provider)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, tokens.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notAGuid.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownGrant.StatusCode);
        Assert.Equal("The customer has no active link with that id.", Alert(await HtmlAsync(unknownGrant)));
        Assert.Equal(HttpStatusCode.NotFound, malformedGrant.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownCustomer.StatusCode);
        Assert.Equal("No customer has that id.", Alert(await HtmlAsync(unknownCustomer)));
        Assert.Equal(HttpStatusCode.NotFound, unknownSerial.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownRequest.StatusCode);
        Assert.Equal("No four-eyes request has that id.", Alert(await HtmlAsync(unknownRequest)));
        Assert.Equal(HttpStatusCode.NotFound, unknownRecipient.StatusCode);
    }

    [Fact]
    public async Task LiftStop_CustomerNotStopped_409SaysSo()
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator);

        var answer = await PostAsync(browser, $"/console/customers/{await fixture.CustomerIdAsync("suzuki02")}?handler=LiftStop", [new("reason", Reason)]);

        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Equal("The customer is not stopped.", Alert(await HtmlAsync(answer)));
    }

    [Theory]
    [InlineData("customer_number", "12ab", "A customer number is 1 to 10 digits.")]
    [InlineData("account_number", "12-34", "An account number is 7 digits")]
    [InlineData("phone", "0312345678", "Search by login ID, customer number or account number.")]
    public async Task Search_TermItCannotSearchBy_400WithTheRule(string by, string term, string message)
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Viewer);

        var answer = await GetAsync(browser, $"/console/customers?by={by}&q={Uri.EscapeDataString(term)}");

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.StartsWith(message, Alert(await HtmlAsync(answer)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("login_id", "TANAKA01")]
    [InlineData("customer_number", "1000000001")]
    [InlineData("account_number", "001-0123456")]
    [InlineData("account_number", "０１２３４５６")]
    public async Task Search_EachWay_FindsTheCustomer(string by, string term)
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Viewer);

        var html = await HtmlAsync(await GetAsync(browser, $"/console/customers?by={by}&q={Uri.EscapeDataString(term)}"));

        Assert.Contains($"<a href=\"/console/customers/{await fixture.CustomerIdAsync("tanaka01")}\">tanaka01</a>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("account=abc", "The account filter takes an id")]
    [InlineData("provider=1", "The provider filter takes an id")]
    [InlineData("from=yesterday", "The 'from' time is YYYY-MM-DD HH:MM in Japan time")]
    [InlineData("from=2026-11-02T00:00&to=2026-11-01T00:00", "The time range's start must be before its end.")]
    [InlineData("type=Link-Revoked", "Name at most 50 event types")]
    [InlineData("customer=nobody.here", "No customer has the login ID 'nobody.here'.")]
    [InlineData("before=-5", "The page cursor is not valid")]
    public async Task Audit_BadFilter_400OnThePageAndOnTheDownload(string query, string message)
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Viewer);

        var page = await GetAsync(browser, "/console/audit?" + query);
        var csv = await GetAsync(browser, "/console/audit/export?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.StartsWith(message, Alert(await HtmlAsync(page)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.StartsWith(message, await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_FilterPagesAndVerify_OlderLinkKeepsTheFiltersAndTheChainIsIntact()
    {
        for (var i = 0; i < 3; i++)
        {
            await fixture.LinkAsync("tanaka01");
        }

        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Viewer);
        var first = await HtmlAsync(await GetAsync(browser, "/console/audit?customer=tanaka01&type=grant_created"));
        var verified = await PostAsync(browser, "/console/audit?customer=tanaka01&handler=Verify", [], tokenPage: "/console/audit");

        Assert.Contains("<code>grant_created</code>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("<code>data_read</code>", first, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/audit/export?customer=tanaka01&amp;type=grant_created\"", await GetRawAsync(browser, "/console/audit?customer=tanaka01&type=grant_created"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.StartsWith("Intact:", VerifyPattern().Match(await HtmlAsync(verified)).Groups[1].Value, StringComparison.Ordinal);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'audit_verified' AND actor_id = 'pages.viewer'"));
    }

    [Fact]
    public async Task ServiceHours_InvalidFields_400WithEachProblemBesideItsFieldAndWhatWasTyped()
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Admin);
        var page = await HtmlAsync(await GetAsync(browser, "/console/service-hours"));
        var version = VersionPattern().Match(page).Groups[1].Value;
        var changes = await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'service_hours_changed'");

        var answer = await PostAsync(browser, "/console/service-hours?handler=Save",
        [
            new("version", version), new("monday", "25:00-26:00"), new("tuesday", ""), new("wednesday", "09:00-17:00,12:00-18:00"), new("thursday", "00:00-24:00"),
            new("friday", "00:00-24:00"), new("saturday", "closed"), new("sunday", "00:00-24:00"),
            new("maintenance", "2099-01-02 00:00, 2099-01-01 00:00, backwards\nnot a window\n2099-02-01 00:00, 2099-02-01 06:00, ok"),
            new("outside_hours", "refuse"), new("reason", Reason),
        ], tokenPage: "/console/service-hours");
        var html = await HtmlAsync(answer);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.StartsWith("Must be comma-separated HH:mm-HH:mm ranges", FieldError(html, "monday"), StringComparison.Ordinal);
        Assert.Contains("'closed' for a closed day", FieldError(html, "tuesday"), StringComparison.Ordinal);
        Assert.Equal("Ranges overlap.", FieldError(html, "wednesday"));
        Assert.Contains(">" + Reason + "</textarea>", html, StringComparison.Ordinal);
        Assert.Contains("Line 2: write start, end, reason", html, StringComparison.Ordinal);
        Assert.Contains("Line 1: must end after it starts.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"25:00-26:00\"", html, StringComparison.Ordinal);
        Assert.Equal(changes, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'service_hours_changed'"));
    }

    [Fact]
    public async Task ServiceHours_ValidEdit_SavedAndShownWithTheWindow()
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Admin);
        var page = await HtmlAsync(await GetAsync(browser, "/console/service-hours"));
        var version = VersionPattern().Match(page).Groups[1].Value;

        var answer = await PostAsync(browser, "/console/service-hours?handler=Save",
        [
            new("version", version), .. new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }.Select(d => new KeyValuePair<string, string>(d, "00:00-24:00")),
            new("maintenance", "2099-12-31 21:00, 2100-01-01 06:00, year-end core maintenance"), new("outside_hours", "refuse"), new("reason", "plan the year-end window"),
        ], tokenPage: "/console/service-hours");
        var after = await HtmlAsync(await GetAsync(browser, answer.Headers.Location!.OriginalString));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Contains("The service hours were saved", after, StringComparison.Ordinal);
        Assert.Contains("Next closure at 2099-12-31 21:00 (Japan time) because of maintenance (year-end core maintenance)", after, StringComparison.Ordinal);
        Assert.Contains("2099-12-31 21:00 JST", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approvals_RequesterApproves_409Refused_AnotherOperatorApproves_Done()
    {
        var customer = await fixture.CustomerIdAsync("suzuki02");
        await fixture.LinkAsync("suzuki02");
        var requester = await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator);
        var requested = await PostAsync(requester, $"/console/customers/{customer}?handler=RevokeAll", [new("reason", "customer reported fraud")]);
        var pending = Guid.Parse(requested.Headers.Location!.OriginalString.Split("pending=")[1]);

        var own = await PostAsync(requester, "/console/approvals?handler=Approve", [new("request", pending.ToString()), new("reason", "looks right to me")]);
        var viewer = await PostAsync(await OperatorTestAccounts.LoggedInAsync(App, fixture.Viewer), "/console/approvals?handler=Approve",
            [new("request", pending.ToString()), new("reason", "looks right to me")]);
        var other = await PostAsync(await OperatorTestAccounts.LoggedInAsync(App, fixture.Admin), "/console/approvals?handler=Approve",
            [new("request", pending.ToString()), new("reason", "checked the fraud report")]);

        Assert.Contains("Waiting for a second operator's approval", await HtmlAsync(await GetAsync(requester, requested.Headers.Location.OriginalString)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, own.StatusCode);
        Assert.Equal("Another operator must approve a request: four eyes.", Alert(await HtmlAsync(own)));
        Assert.Equal(HttpStatusCode.Forbidden, viewer.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.Equal("/console/approvals?done=approved", other.Headers.Location!.OriginalString);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM grants WHERE customer_id = $1 AND status = 'active'", customer));
    }

    private static async Task<string> GetRawAsync(HttpClient browser, string path) => await (await GetAsync(browser, path)).Content.ReadAsStringAsync();

    private static int RowCount(string html, string tableId)
    {
        var start = html.IndexOf($"<table id=\"{tableId}\">", StringComparison.Ordinal);
        var body = html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
        return Regex.Count(body, "<tr><th scope=\"row\">");
    }

    private static string FieldError(string html, string field) =>
        Regex.Match(html, $"<p class=\"field-error\" id=\"error-{field}\">([^<]*)</p>").Groups[1].Value;

    [GeneratedRegex("<p role=\"alert\" id=\"error\">([^<]*)</p>")]
    private static partial Regex AlertPattern();

    [GeneratedRegex("<p id=\"verify-result\">(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex VerifyPattern();

    [GeneratedRegex("name=\"version\" value=\"([0-9]+)\"")]
    private static partial Regex VersionPattern();
}
