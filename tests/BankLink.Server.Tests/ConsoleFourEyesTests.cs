using System.Net;
using System.Text.RegularExpressions;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>
/// The console under a bank's own four-eyes list (<c>BankLink:Operators:FourEyes</c> = revoke_link and
/// onboarding_token_issue): the buttons say an approval is needed, a request changes nothing until another operator
/// approves it, a withdrawn request is never carried out, and an approved onboarding token is made at approval and shown
/// once to the approver (the request itself never holds a secret).
/// </summary>
public sealed partial class ConsoleFourEyesTests : IAsyncLifetime
{
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?>
        {
            ["BankLink:Operators:FourEyes"] = "revoke_link,onboarding_token_issue",
        });
        _provider = await ProviderClient.RegisterAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient browser, string path) => browser.GetAsync(new Uri(path, UriKind.Relative));

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, List<KeyValuePair<string, string>> fields)
    {
        fields.Add(new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(await GetAsync(browser, "/console"))));
        return await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    private static string PendingId(HttpResponseMessage answer) => answer.Headers.Location!.OriginalString.Split("pending=")[1];

    [Fact]
    public async Task RevokeLink_UnderFourEyes_NothingChangesUntilApproved_AWithdrawnRequestNever()
    {
        var token = await ResourceApiTests.LinkAsync(_provider, "tanaka01", accounts: 1);
        var customer = await _database.ScalarAsync<Guid>("SELECT id FROM customers WHERE login_id = 'tanaka01'");
        var grant = await _database.ScalarAsync<Guid>("SELECT id FROM grants WHERE customer_id = $1", customer);
        var first = await OperatorTestAccounts.LoggedInAsync(_app, await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Operator));
        var second = await OperatorTestAccounts.LoggedInAsync(_app, await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Operator));
        var page = await HtmlAsync(await GetAsync(first, $"/console/customers/{customer}"));

        var withdrawnRequest = await PostAsync(first, $"/console/customers/{customer}?handler=RevokeLink", [new("grant", grant.ToString()), new("reason", "asked by mistake")]);
        var withdrawn = await PostAsync(first, "/console/approvals?handler=Reject", [new("request", PendingId(withdrawnRequest)), new("reason", "wrong customer, sorry")]);
        var afterWithdrawal = await _provider.CallResourceAsync(HttpMethod.Get, "/accounts", token);
        var request = await PostAsync(first, $"/console/customers/{customer}?handler=RevokeLink", [new("grant", grant.ToString()), new("reason", "customer asked by phone")]);
        var waiting = await HtmlAsync(await GetAsync(first, request.Headers.Location!.OriginalString));
        var beforeApproval = await _provider.CallResourceAsync(HttpMethod.Get, "/accounts", token);
        var approved = await PostAsync(second, "/console/approvals?handler=Approve", [new("request", PendingId(request)), new("reason", "call-back confirmed")]);

        Assert.Contains("Revoke the link with BankLink Sandbox Household Budget (needs a second operator's approval)", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, withdrawn.StatusCode);
        Assert.Equal("/console/approvals?done=rejected", withdrawn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, afterWithdrawal.StatusCode);
        Assert.Contains("Waiting for a second operator's approval: request <code id=\"pending-id\">" + PendingId(request) + "</code>", waiting, StringComparison.Ordinal);
        Assert.Contains("revoke_link, link of tanaka01 with BankLink Sandbox Household Budget", waiting, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, beforeApproval.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _provider.CallResourceAsync(HttpMethod.Get, "/accounts", token)).StatusCode);
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'link_revoked' AND grant_id = $1", grant));
    }

    [Fact]
    public async Task OnboardingTokenIssue_UnderFourEyes_TheApproverSeesTheSecretOnce()
    {
        var requester = await OperatorTestAccounts.LoggedInAsync(_app, await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin));
        var approver = await OperatorTestAccounts.LoggedInAsync(_app, await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin));

        var request = await PostAsync(requester, "/console/onboarding-tokens?handler=Issue",
            [new("provider", SandboxProvider.Id.ToString()), new("person_name", "Jiro Sato"), new("reason", "approved engineer of the provider")]);
        var waiting = await HtmlAsync(await GetAsync(requester, request.Headers.Location!.OriginalString));
        var approved = await PostAsync(approver, "/console/approvals?handler=Approve", [new("request", PendingId(request)), new("reason", "approval letter checked")]);
        var html = await HtmlAsync(approved);
        var secret = Regex.Match(html, "<code class=\"key\" id=\"new-token-value\">([^<]+)</code>").Groups[1].Value;
        var later = await HtmlAsync(await GetAsync(approver, "/console/approvals"));

        Assert.Equal(HttpStatusCode.Redirect, request.StatusCode);
        Assert.Contains("Waiting for a second operator's approval", waiting, StringComparison.Ordinal);
        Assert.DoesNotContain("new-token-value", waiting, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains("Approved and carried out.", html, StringComparison.Ordinal);
        Assert.Matches("^[0-9A-Za-z]{8}@[0-9A-Za-z]{16}$", secret);
        Assert.Contains("Shown this once, to you as the approver", html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, later, StringComparison.Ordinal);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE detail::text LIKE '%' || $1 || '%'", secret[9..]));
    }
}
