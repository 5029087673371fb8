using System.Net;
using BankLink.Data.Operations;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Server.Operators;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// The operator console's login, session and role policies over the real HTTP pipeline on real PostgreSQL: two factors
/// with one answer for any wrong one, a session that ends at the next request when the operator is stopped, disabled or
/// demoted, the cookie's attributes, and the admin-only operators page.
/// </summary>
public sealed class OperatorConsoleTests : IAsyncLifetime
{
    private static readonly OperatorActor Command = OperatorActor.Command("tests");
    private readonly SchemaDatabase _database = new();
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

    private OperatorStore Store => _app.Services.GetRequiredService<OperatorStore>();

    private static Task<HttpResponseMessage> GetAsync(HttpClient browser, string path) => browser.GetAsync(new Uri(path, UriKind.Relative));

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task Login_PasswordThenCode_OpensTheConsoleWithWhoAndRole()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Operator, "hanako.ops");
        var browser = OperatorTestAccounts.NewBrowser(_app);

        var answer = await OperatorTestAccounts.LogInWithAsync(browser, account.LoginId, account.Password, await OperatorTestAccounts.NextCodeAsync(_app, account));
        var console = await GetAsync(browser, "/console");
        var html = await HtmlAsync(console);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal("/console", answer.Headers.Location!.OriginalString);
        var cookie = answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(OperatorSession.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("path=/console", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
        Assert.Contains("hanako.ops", html, StringComparison.Ordinal);
        Assert.Contains("<strong id=\"role\">operator</strong>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/customers\"", html, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", console.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", console.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("no-store", console.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Equal("DENY", console.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Login_WrongPasswordWrongCodeOrUnknownLoginId_OneAnswerAfterBothSteps()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer);

        var wrongPassword = await OperatorTestAccounts.LogInWithAsync(OperatorTestAccounts.NewBrowser(_app), account.LoginId, "Wrong-Password-1", "123456");
        var wrongCode = await OperatorTestAccounts.LogInWithAsync(OperatorTestAccounts.NewBrowser(_app), account.LoginId, account.Password,
            OperatorTestAccounts.CodeAt(account.TotpSecret, 1));
        var unknownBrowser = OperatorTestAccounts.NewBrowser(_app);
        var unknown = await OperatorTestAccounts.LogInWithAsync(unknownBrowser, "nobody.here", account.Password, "123456");
        var page = await HtmlAsync(await GetAsync(unknownBrowser, unknown.Headers.Location!.OriginalString));

        Assert.Equal("/console/login?e=Wrong", wrongPassword.Headers.Location!.OriginalString);
        Assert.Equal("/console/login?e=Wrong", wrongCode.Headers.Location!.OriginalString);
        Assert.Equal("/console/login?e=Wrong", unknown.Headers.Location!.OriginalString);
        Assert.Contains("The login ID, password or code is not correct.", page, StringComparison.Ordinal);
        Assert.Equal(2, await _database.ScalarAsync<int>("SELECT consecutive_failures FROM operators WHERE login_id = $1", account.LoginId));
    }

    [Fact]
    public async Task Login_StoppedOperator_RefusedWhateverIsTyped()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        await _database.ExecuteAsync("UPDATE operators SET status = 'stopped' WHERE id = $1", account.Id);

        var answer = await OperatorTestAccounts.LogInWithAsync(OperatorTestAccounts.NewBrowser(_app), account.LoginId, account.Password,
            await OperatorTestAccounts.NextCodeAsync(_app, account));

        Assert.Equal("/console/login?e=Stopped", answer.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Session_OperatorDisabled_EndsAtTheNextRequest()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Operator);
        var browser = await OperatorTestAccounts.LogInAsync(_app, account);
        var before = await GetAsync(browser, "/console");

        await Store.DisableAsync(Command, account.Id, "left the bank", CancellationToken.None);
        var after = await GetAsync(browser, "/console");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/console/login", after.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_CredentialsReset_EndsAtTheNextRequest()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer);
        var browser = await OperatorTestAccounts.LogInAsync(_app, account);

        await Store.ResetCredentialsAsync(Command, account.Id, "lost the phone", CancellationToken.None);

        Assert.Equal(HttpStatusCode.Redirect, (await GetAsync(browser, "/console")).StatusCode);
    }

    [Fact]
    public async Task Policies_ViewerOnAdminPage_Forbidden403()
    {
        var viewer = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer);
        var browser = await OperatorTestAccounts.LogInAsync(_app, viewer);

        var denied = await GetAsync(browser, "/console/operators");
        var forbidden = await GetAsync(browser, denied.Headers.Location!.PathAndQuery);

        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Equal("/console/forbidden", denied.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("viewer", await HtmlAsync(forbidden), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policies_AdminDemoted_LosesTheAdminPageAtOnce()
    {
        var admin = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var browser = await OperatorTestAccounts.LogInAsync(_app, admin);
        var before = await GetAsync(browser, "/console/operators");

        await Store.ChangeRoleAsync(Command, admin.Id, OperatorRole.Operator, "moved to the help desk", CancellationToken.None);
        var after = await GetAsync(browser, "/console/operators");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/console/forbidden", after.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Console_WithoutSession_GoesToLoginAndComesBack()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var browser = OperatorTestAccounts.NewBrowser(_app);

        var challenge = await GetAsync(browser, "/console/operators");
        var login = await OperatorTestAccounts.LogInWithAsync(browser, account.LoginId, account.Password,
            await OperatorTestAccounts.NextCodeAsync(_app, account), returnUrl: "/console/operators");
        var offSite = await OperatorTestAccounts.LogInWithAsync(OperatorTestAccounts.NewBrowser(_app), account.LoginId, account.Password,
            await OperatorTestAccounts.NextCodeAsync(_app, account), returnUrl: "//evil.example/console");

        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.Equal("/console/login", challenge.Headers.Location!.AbsolutePath);
        Assert.Contains("returnUrl=%2Fconsole%2Foperators", challenge.Headers.Location.Query, StringComparison.Ordinal);
        Assert.Equal("/console/operators", login.Headers.Location!.OriginalString);
        Assert.Equal("/console", offSite.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Session_ApiKeyOnConsoleOrCookieOnAdminApi_NotAccepted()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var browser = await OperatorTestAccounts.LogInAsync(_app, account);
        var sessionCookie = await SessionCookieAsync(account);

        using var keyOnConsole = new HttpRequestMessage(HttpMethod.Get, "/console");
        keyOnConsole.Headers.Authorization = new("Bearer", account.ApiKey);
        var console = await OperatorTestAccounts.NewBrowser(_app).SendAsync(keyOnConsole);
        using var cookieOnAdmin = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/me");
        cookieOnAdmin.Headers.Add("Cookie", sessionCookie);
        var admin = await OperatorTestAccounts.ApiClient(_app, null).SendAsync(cookieOnAdmin);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(browser, "/console")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
    }

    /// <summary>The console cookie of a fresh login, as a Cookie header value.</summary>
    private async Task<string> SessionCookieAsync(OperatorTestAccount account)
    {
        var answer = await OperatorTestAccounts.LogInWithAsync(OperatorTestAccounts.NewBrowser(_app), account.LoginId, account.Password,
            await OperatorTestAccounts.NextCodeAsync(_app, account));
        return answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(OperatorSession.CookieName + "=", StringComparison.Ordinal)).Split(';')[0];
    }

    [Fact]
    public async Task Logout_EndsTheSession()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer);
        var browser = await OperatorTestAccounts.LogInAsync(_app, account);

        var logout = await OperatorTestAccounts.PostFormAsync(browser, "/console/logout", []);
        var after = await GetAsync(browser, "/console");

        Assert.Equal("/console/login?e=logged-out", logout.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task OperatorsPage_AddShowsSecretsOnceAndTheNewOperatorCanLogIn()
    {
        var admin = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var browser = await OperatorTestAccounts.LogInAsync(_app, admin);

        var added = await OperatorTestAccounts.PostFormAsync(browser, "/console/operators?handler=Add",
            [new("login_id", "new.viewer"), new("name", "New Viewer"), new("role", "viewer"), new("reason", "joined the desk")]);
        var html = await HtmlAsync(added);
        var password = System.Text.RegularExpressions.Regex.Match(html, "id=\"new-password\">([^<]+)<").Groups[1].Value;
        var secret = System.Text.RegularExpressions.Regex.Match(html, "id=\"new-totp-secret\">([^<]+)<").Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
        var listed = await HtmlAsync(await GetAsync(browser, "/console/operators"));
        var newcomer = new OperatorTestAccount(
            await _database.ScalarAsync<Guid>("SELECT id FROM operators WHERE login_id = 'new.viewer'"), "new.viewer", OperatorRole.Viewer, password, secret, "");
        var login = await OperatorTestAccounts.LogInWithAsync(OperatorTestAccounts.NewBrowser(_app), newcomer.LoginId, password,
            await OperatorTestAccounts.NextCodeAsync(_app, newcomer));

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Equal(32, secret.Length);
        Assert.Contains("no-store", added.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.Contains("new.viewer", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(password, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[..8], listed, StringComparison.Ordinal);
        // A generated password was just shown to the admin: the newcomer's first stop is choosing their own.
        Assert.Equal("/console/password", login.Headers.Location!.OriginalString);
        Assert.Equal("joined the desk", await _database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'reason' FROM audit_events WHERE event_type = 'operator_created' AND detail::jsonb->>'login_id' = 'new.viewer'"));
        Assert.Equal(admin.LoginId, await _database.ScalarAsync<string>(
            "SELECT actor_id FROM audit_events WHERE event_type = 'operator_created' AND detail::jsonb->>'login_id' = 'new.viewer'"));
    }

    [Fact]
    public async Task OperatorsPage_ChangeWithoutReasonOrToken_Refused()
    {
        var admin = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var viewer = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer);
        var browser = await OperatorTestAccounts.LogInAsync(_app, admin);

        var noReason = await OperatorTestAccounts.PostFormAsync(browser, "/console/operators?handler=Disable",
            [new("operator", viewer.Id.ToString()), new("reason", "")]);
        var noToken = await browser.PostAsync(new Uri("/console/operators?handler=Disable", UriKind.Relative),
            new FormUrlEncodedContent([new("operator", viewer.Id.ToString()), new("reason", "a good reason")]));

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", await HtmlAsync(noReason), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM operators WHERE id = $1", viewer.Id));
    }

    [Fact]
    public async Task OperatorsPage_DisableRoleAndApiKeys_TakeEffect()
    {
        var admin = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin);
        var other = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer);
        var browser = await OperatorTestAccounts.LogInAsync(_app, admin);

        var role = await OperatorTestAccounts.PostFormAsync(browser, "/console/operators?handler=Role",
            [new("operator", other.Id.ToString()), new("role", "operator"), new("reason", "covers the desk")]);
        var issued = await OperatorTestAccounts.PostFormAsync(browser, "/console/operators?handler=IssueKey",
            [new("operator", other.Id.ToString()), new("key_name", "report tool"), new("days", "7"), new("reason", "nightly report")]);
        var key = System.Text.RegularExpressions.Regex.Match(await HtmlAsync(issued), "id=\"new-api-key\">(blak_[^<]+)<").Groups[1].Value;
        var me = await OperatorTestAccounts.ApiClient(_app, key).GetStringAsync(new Uri("/admin/v1/me", UriKind.Relative));
        var keyId = await _database.ScalarAsync<Guid>("SELECT id FROM operator_api_keys WHERE name = 'report tool'");
        var revoked = await OperatorTestAccounts.PostFormAsync(browser, "/console/operators?handler=RevokeKey",
            [new("key", keyId.ToString()), new("reason", "tool retired")]);
        var afterRevoke = await OperatorTestAccounts.ApiClient(_app, key).GetAsync(new Uri("/admin/v1/me", UriKind.Relative));
        var disabled = await OperatorTestAccounts.PostFormAsync(browser, "/console/operators?handler=Disable",
            [new("operator", other.Id.ToString()), new("reason", "left the bank")]);
        var self = await OperatorTestAccounts.PostFormAsync(browser, "/console/operators?handler=Disable",
            [new("operator", admin.Id.ToString()), new("reason", "testing myself")]);

        Assert.Equal("/console/operators?notice=role-changed", role.Headers.Location!.OriginalString);
        Assert.Contains("\"role\":\"operator\"", me, StringComparison.Ordinal);
        Assert.Equal("/console/operators?notice=key-revoked", revoked.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Equal("/console/operators?notice=disabled", disabled.Headers.Location!.OriginalString);
        Assert.Equal("disabled", await _database.ScalarAsync<string>("SELECT status FROM operators WHERE id = $1", other.Id));
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
    }

    [Fact]
    public async Task Session_NeverOutlivesEightHoursEvenWhenActive()
    {
        var clock = new SettableTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new BankLinkApp(_database.ConnectionString, clock: clock);
        var account = await OperatorTestAccounts.CreateAsync(app, OperatorRole.Viewer);
        var browser = await OperatorTestAccounts.LogInAsync(app, account);
        var statuses = new List<HttpStatusCode>();
        for (var minutes = 10; minutes <= 8 * 60 + 10; minutes += 10)
        {
            clock.Advance(TimeSpan.FromMinutes(10));
            statuses.Add((await GetAsync(browser, "/console")).StatusCode);
        }

        clock.Advance(TimeSpan.FromMinutes(16));
        var idleBrowser = await OperatorTestAccounts.LogInAsync(app, account);
        clock.Advance(TimeSpan.FromMinutes(16));

        Assert.All(statuses[..^2], status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.Redirect, statuses[^1]);
        Assert.Equal(HttpStatusCode.Redirect, (await GetAsync(idleBrowser, "/console")).StatusCode);
    }
}
