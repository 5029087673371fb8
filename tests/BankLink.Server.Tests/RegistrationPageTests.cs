using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>Registration for linking (利用登録): asked for before any consent when missing or expired; explicit acceptance; accounts chosen.</summary>
public sealed class RegistrationPageTests : IAsyncLifetime
{
    private const string Tanaka = "(SELECT id FROM customers WHERE login_id = 'tanaka01')";
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _provider = await ProviderClient.RegisterAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<string> ConsentPathAsync()
    {
        var requestUri = (await (await _provider.PushAsync(_provider.ParParameters())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
        return $"/consent?client_id={Uri.EscapeDataString(_provider.ClientId)}&request_uri={Uri.EscapeDataString(requestUri)}";
    }

    private async Task<IReadOnlyList<string>> TanakaLinkableAccountsAsync() =>
        (await _database.ScalarAsync<string>($"""
            SELECT string_agg(a.id::text, ',' ORDER BY a.account_number) FROM ledger.accounts a JOIN customers c ON c.customer_number = a.customer_number
            WHERE c.login_id = 'tanaka01' AND a.kind <> 'time_deposit'
            """)).Split(',');

    [Theory]
    [InlineData("UPDATE registrations SET status = 'revoked', ended_at = now() WHERE customer_id = " + Tanaka)]
    [InlineData("UPDATE registrations SET accepted_at = now() - interval '400 days', expires_at = now() - interval '1 day' WHERE customer_id = " + Tanaka)]
    public async Task Consent_NoValidRegistration_RegisterFirstThenBackToTheConsent(string lapse)
    {
        await _database.ExecuteAsync(lapse);
        var browser = await CustomerBrowser.LoggedInAsync(_app, "tanaka01", "Sandbox-Tanaka-01");
        var consent = await ConsentPathAsync();

        var sent = await browser.GetAsync(new Uri(consent, UriKind.Relative));
        Assert.Equal("/registration?returnUrl=" + Uri.EscapeDataString(consent), sent.Headers.Location!.OriginalString);

        var accounts = await TanakaLinkableAccountsAsync();
        var registered = await CustomerBrowser.PostFormAsync(browser, sent.Headers.Location.OriginalString,
            [new("account", accounts[0]), new("account", accounts[1]), new("terms", "accepted"), new("accept", "accept")]);

        Assert.Equal(consent, registered.Headers.Location!.OriginalString);
        var page = await (await browser.GetAsync(new Uri(consent, UriKind.Relative))).Content.ReadAsStringAsync();
        Assert.Equal(2, page.Split("name=\"account\" value=").Length - 1);
        Assert.Contains("利用登録されていない口座です", page, StringComparison.Ordinal);
        Assert.Equal(1, await _database.ScalarAsync<long>($"SELECT count(*) FROM audit_events WHERE event_type = 'registration_created' AND actor_kind = 'customer' AND customer_id = {Tanaka}"));
    }

    [Fact]
    public async Task Register_TermsNotAccepted_RefusedAndNothingRecorded()
    {
        var browser = await CustomerBrowser.LoggedInAsync(_app, "tanaka01", "Sandbox-Tanaka-01");
        var before = await _database.ScalarAsync<long>("SELECT count(*) FROM registrations");

        var answer = await CustomerBrowser.PostFormAsync(browser, "/registration", [new("account", (await TanakaLinkableAccountsAsync())[0]), new("accept", "accept")]);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("同意が必要です", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await _database.ScalarAsync<long>("SELECT count(*) FROM registrations"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    [InlineData("not-a-guid")]
    public async Task Register_NoAccountOrNotTheCustomersOwn_RefusedAndNothingRecorded(string? account)
    {
        var browser = await CustomerBrowser.LoggedInAsync(_app, "tanaka01", "Sandbox-Tanaka-01");
        var before = await _database.ScalarAsync<long>("SELECT count(*) FROM registrations");
        List<KeyValuePair<string, string>> fields = [new("terms", "accepted"), new("accept", "accept")];
        if (account is not null)
        {
            fields.Add(new("account", account));
        }

        var answer = await CustomerBrowser.PostFormAsync(browser, "/registration", fields);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(before, await _database.ScalarAsync<long>("SELECT count(*) FROM registrations"));
    }

    [Fact]
    public async Task Register_AnotherCustomersAccount_Refused()
    {
        var browser = await CustomerBrowser.LoggedInAsync(_app, "tanaka01", "Sandbox-Tanaka-01");
        var suzukis = await _database.ScalarAsync<string>("SELECT a.id::text FROM ledger.accounts a WHERE a.customer_number = '1000000002' LIMIT 1");

        var answer = await CustomerBrowser.PostFormAsync(browser, "/registration", [new("account", suzukis), new("terms", "accepted"), new("accept", "accept")]);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }

    [Fact]
    public async Task Registration_NotLoggedIn_SentToLogin()
    {
        var response = await _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false })
            .GetAsync(new Uri("/registration", UriKind.Relative));

        Assert.Equal("/login?returnUrl=%2Fregistration", response.Headers.Location!.OriginalString);
    }
}
