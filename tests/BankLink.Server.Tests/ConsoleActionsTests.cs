using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>
/// The console's changes that the journeys do not walk, over HTTP on the demo bank: remove one account of a link, record
/// an account's closure, deregister a customer's last OTP token (warned before and after), chained recipients added,
/// changed and removed, a provider suspended under four eyes and reinstated, an onboarding token revoked, service hours
/// saved and reverted. Each test works on its own customer, provider or setting; the application is the class's.
/// </summary>
public sealed partial class ConsoleActionsTests(ConsolePagesTests.Fixture fixture) : IClassFixture<ConsolePagesTests.Fixture>
{
    private BankLinkApp App => fixture.App;

    private static Task<HttpResponseMessage> GetAsync(HttpClient browser, string path) => browser.GetAsync(new Uri(path, UriKind.Relative));

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, List<KeyValuePair<string, string>> fields)
    {
        fields.Add(new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(await GetAsync(browser, "/console"))));
        return await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    private static string Notice(string html) => NoticePattern().Match(html).Groups[1].Value;

    /// <summary>The page the change redirected to: its notice (or pending request) is what the operator reads.</summary>
    private static async Task<string> FollowAsync(HttpClient browser, HttpResponseMessage answer)
    {
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"{(int)answer.StatusCode}: {Regex.Match(await HtmlAsync(answer), "role=\"alert\" id=\"error\">([^<]*)<").Groups[1].Value}");
        return await HtmlAsync(await GetAsync(browser, answer.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task RemoveAccount_OneOfTwo_TheLinkGoesOnWithTheOther()
    {
        var customer = await fixture.CustomerIdAsync("tanaka01");
        var (grant, token) = await fixture.LinkAsync("tanaka01");
        var account = await fixture.Database.ScalarAsync<Guid>("SELECT account_id FROM grant_accounts WHERE grant_id = $1 ORDER BY account_id LIMIT 1", grant);
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator);

        var html = await FollowAsync(browser, await PostAsync(browser, $"/console/customers/{customer}?handler=RemoveAccount",
            [new("grant", grant.ToString()), new("account", account.ToString()), new("reason", "customer asked to stop sharing this account")]));

        Assert.StartsWith("The account was removed from the link", Notice(html), StringComparison.Ordinal);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts WHERE grant_id = $1", grant));
        var accounts = await fixture.Provider.CallResourceAsync(HttpMethod.Get, "/accounts", token);
        Assert.Equal(HttpStatusCode.OK, accounts.StatusCode);
        Assert.Single((await accounts.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accounts").EnumerateArray());
    }

    [Fact]
    public async Task RecordAccountClosure_TheLinksOnlyAccount_TheLinkEndsAndItsTokenFails()
    {
        var customer = await fixture.CustomerIdAsync("watanabe05");
        var token = await ResourceApiTests.LinkAsync(fixture.Provider, "watanabe05", accounts: 1);
        var grant = await fixture.Database.ScalarAsync<Guid>("SELECT id FROM grants WHERE customer_id = $1 AND status = 'active'", customer);
        var account = await fixture.Database.ScalarAsync<Guid>("SELECT account_id FROM grant_accounts WHERE grant_id = $1", grant);
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator);
        var bad = await PostAsync(browser, $"/console/customers/{customer}?handler=RecordAccount",
            [new("account", account.ToString()), new("status", "open"), new("reason", "branch reported the closure")]);

        var html = await FollowAsync(browser, await PostAsync(browser, $"/console/customers/{customer}?handler=RecordAccount",
            [new("account", account.ToString()), new("status", "closed"), new("reason", "branch reported the closure")]));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("The account's state was recorded", Notice(html), StringComparison.Ordinal);
        Assert.Equal("closed", await fixture.Database.ScalarAsync<string>("SELECT status FROM ledger.accounts WHERE id = $1", account));
        Assert.Equal("revoked", await fixture.Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", grant));
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Provider.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);
    }

    [Fact]
    public async Task DeregisterToken_TheLastActiveOne_WarnedBeforeAndAfter()
    {
        var customer = await fixture.CustomerIdAsync("sato03");
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Operator);
        var before = await HtmlAsync(await GetAsync(browser, $"/console/customers/{customer}"));

        var after = await FollowAsync(browser, await PostAsync(browser, $"/console/customers/{customer}?handler=DeregisterToken",
            [new("serial", "9000000003"), new("reason", "customer reported the phone stolen")]));

        Assert.Contains("This is the customer's last active token", before, StringComparison.Ordinal);
        Assert.Contains("It was the customer's last active token: they cannot log in until a new token is registered", Notice(after), StringComparison.Ordinal);
        Assert.Equal("retired", await fixture.Database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = '9000000003'"));
        Assert.DoesNotContain("handler=DeregisterToken", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChainedRecipients_AddChangeRemove_EachDoneAndADuplicateNameRefused409()
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Admin);
        var provider = $"/console/providers/{SandboxProvider.Id}";
        List<KeyValuePair<string, string>> Fields(string name, string reason) =>
            [new("name", name), new("name_ja", name + "（日本語）"), new("purpose", "bookkeeping for the customer"), new("purpose_ja", "記帳代行"), new("reason", reason)];

        var added = await FollowAsync(browser, await PostAsync(browser, provider + "?handler=AddRecipient", Fields("Tax Office Tanaka", "declared by the provider on 2026-11-20")));
        var id = await fixture.Database.ScalarAsync<Guid>("SELECT id FROM chained_recipients WHERE name = 'Tax Office Tanaka'");
        var duplicate = await PostAsync(browser, provider + "?handler=AddRecipient", Fields("Tax Office Tanaka", "declared twice by mistake"));
        var changed = await FollowAsync(browser, await PostAsync(browser, provider + "?handler=ChangeRecipient",
            [new("recipient", id.ToString()), .. Fields("Tax Office Tanaka & Co.", "the office changed its name")]));
        var removed = await FollowAsync(browser, await PostAsync(browser, provider + "?handler=RemoveRecipient", [new("recipient", id.ToString()), new("reason", "contract with the office ended")]));

        Assert.StartsWith("The chained recipient was added", Notice(added), StringComparison.Ordinal);
        Assert.Contains("Tax Office Tanaka", added, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Contains("already has a chained recipient of that name", await HtmlAsync(duplicate), StringComparison.Ordinal);
        Assert.StartsWith("The chained recipient was changed", Notice(changed), StringComparison.Ordinal);
        Assert.Contains("Tax Office Tanaka & Co.", changed, StringComparison.Ordinal);
        Assert.StartsWith("The chained recipient was removed", Notice(removed), StringComparison.Ordinal);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM chained_recipients WHERE id = $1", id));
        Assert.Equal(3, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'chained_recipients_changed' AND actor_id = 'pages.admin'"));
    }

    [Fact]
    public async Task Provider_SuspendedUnderFourEyesThenReinstated()
    {
        var providerId = Guid.NewGuid();
        await fixture.Database.ExecuteAsync("""
            INSERT INTO providers (id, name, name_ja, description, description_ja, status, created_at)
            VALUES ($1, 'Reinstated Fintech', '復帰フィンテック', 'd', 'd', 'active', now())
            """, providerId);
        var page = $"/console/providers/{providerId}";
        var admin = await OperatorTestAccounts.LoggedInAsync(App, fixture.Admin);
        var second = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Admin, "actions.admin.b");
        var approver = await OperatorTestAccounts.LoggedInAsync(App, second);

        var requested = await PostAsync(admin, page + "?handler=Suspend", [new("revoke_refresh_tokens", "true"), new("reason", "provider under investigation")]);
        var pending = requested.Headers.Location!.OriginalString.Split("pending=")[1];
        var waiting = await HtmlAsync(await GetAsync(admin, requested.Headers.Location.OriginalString));
        var approved = await PostAsync(approver, "/console/approvals?handler=Approve", [new("request", pending), new("reason", "investigation confirmed")]);
        var suspended = await HtmlAsync(await GetAsync(admin, page));
        var reinstated = await FollowAsync(admin, await PostAsync(admin, page + "?handler=Reinstate", [new("reason", "investigation closed")]));

        Assert.Contains("Waiting for a second operator's approval", waiting, StringComparison.Ordinal);
        Assert.Contains($"<code>{pending}</code>: provider_suspend", waiting, StringComparison.Ordinal);
        Assert.Contains("refresh tokens revoked too", waiting, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Contains("<dd id=\"provider-status\" class=\"status-suspended\">suspended</dd>", suspended, StringComparison.Ordinal);
        Assert.StartsWith("The provider is active again", Notice(reinstated), StringComparison.Ordinal);
        Assert.Equal("active", await fixture.Database.ScalarAsync<string>("SELECT status FROM providers WHERE id = $1", providerId));
    }

    [Fact]
    public async Task OnboardingToken_Revoked_TheListSaysSoAndItRegistersNothing()
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Admin);
        var issued = await PostAsync(browser, "/console/onboarding-tokens?handler=Issue",
            [new("provider", SandboxProvider.Id.ToString()), new("person_name", "Taro Suzuki"), new("reason", "approved engineer of the provider")]);
        var secret = Regex.Match(await HtmlAsync(issued), "<code class=\"key\" id=\"new-token-value\">([^<]+)</code>").Groups[1].Value;

        var revoked = await FollowAsync(browser, await PostAsync(browser, "/console/onboarding-tokens?handler=Revoke",
            [new("provider", SandboxProvider.Id.ToString()), new("token", secret[..8]), new("reason", "the engineer left the provider")]));
        var again = await PostAsync(browser, "/console/onboarding-tokens?handler=Revoke",
            [new("provider", SandboxProvider.Id.ToString()), new("token", secret[..8]), new("reason", "the engineer left the provider")]);

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal(25, secret.Length);
        Assert.True(issued.Headers.CacheControl!.NoStore);
        Assert.StartsWith("The onboarding token was revoked", Notice(revoked), StringComparison.Ordinal);
        Assert.Matches($"<tr id=\"token-{secret[..8]}\">.*?<td class=\"token-state\">revoked</td>", Regex.Replace(revoked, @"\s+", " "));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.DoesNotContain(secret, revoked, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceHours_SavedThenRevertedToTheConfiguration()
    {
        var browser = await OperatorTestAccounts.LoggedInAsync(App, fixture.Admin);
        var version = VersionPattern().Match(await HtmlAsync(await GetAsync(browser, "/console/service-hours"))).Groups[1].Value;
        var saved = await FollowAsync(browser, await PostAsync(browser, "/console/service-hours?handler=Save",
        [
            new("version", version), .. new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }.Select(d => new KeyValuePair<string, string>(d, "00:00-24:00")),
            new("maintenance", "2099-06-01T00:00+09:00, 2099-06-01 06:00, core upgrade"), new("outside_hours", "serve_last_known"), new("reason", "core upgrade planned"),
        ]));
        var stale = await PostAsync(browser, "/console/service-hours?handler=Revert", [new("version", version), new("reason", "back to the configured hours")]);
        var current = VersionPattern().Match(saved).Groups[1].Value;

        var reverted = await FollowAsync(browser, await PostAsync(browser, "/console/service-hours?handler=Revert", [new("version", current), new("reason", "back to the configured hours")]));

        Assert.Contains("<td>2099-06-01 00:00 JST</td><td>2099-06-01 06:00 JST</td><td>core upgrade</td>", saved, StringComparison.Ordinal);
        Assert.Contains("serves the last-known data, marked stale", saved, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("The service hours changed meanwhile", await HtmlAsync(stale), StringComparison.Ordinal);
        Assert.StartsWith("The configured service hours (BankLink:ServiceHours) apply again.", Notice(reverted), StringComparison.Ordinal);
        Assert.Contains("the configured hours (BankLink:ServiceHours)", reverted, StringComparison.Ordinal);
    }

    [GeneratedRegex("<p class=\"notice\" role=\"status\" id=\"notice\">([^<]*)</p>")]
    private static partial Regex NoticePattern();

    [GeneratedRegex("name=\"version\" value=\"([0-9]+)\"")]
    private static partial Regex VersionPattern();
}
