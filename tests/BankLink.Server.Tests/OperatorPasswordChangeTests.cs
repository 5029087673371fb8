using System.Net;
using BankLink.Data.Operations;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Server.Operators;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// An operator changing their own password in the console, over the real HTTP pipeline on real PostgreSQL: a generated
/// password (first login, after an admin's reset) keeps the operator on /console/password until they have chosen their
/// own, the change ends their other sessions but not this one, a wrong current password is refused clearly and changes
/// nothing, the form needs its antiforgery token, and the admin API keys of such an operator go on working.
/// </summary>
public sealed class OperatorPasswordChangeTests : IAsyncLifetime
{
    private const string Chosen = "Kingfisher-over-the-river-7";
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

    private static Task<HttpResponseMessage> GetAsync(HttpClient browser, string path) => browser.GetAsync(new Uri(path, UriKind.Relative));

    private static async Task<string> HtmlAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static Task<HttpResponseMessage> ChangeAsync(HttpClient browser, string current, string next, string? repeat = null) =>
        OperatorTestAccounts.PostFormAsync(browser, "/console/password",
            [new("current_password", current), new("new_password", next), new("repeat_password", repeat ?? next)]);

    private Task<string> PasswordHashAsync(OperatorTestAccount account) =>
        _database.ScalarAsync<string>("SELECT password_hash FROM operators WHERE id = $1", account.Id);

    private Task<bool> MustChangeAsync(OperatorTestAccount account) =>
        _database.ScalarAsync<bool>("SELECT must_change_password FROM operators WHERE id = $1", account.Id);

    [Fact]
    public async Task FirstLogin_LandsOnThePasswordPage_EveryOtherPageRedirectsThereUntilChanged_ThenTheDashboardOpens()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin, "first.timer", mustChangePassword: true);
        var browser = OperatorTestAccounts.NewBrowser(_app);

        var login = await OperatorTestAccounts.LogInWithAsync(browser, account.LoginId, account.Password,
            await OperatorTestAccounts.NextCodeAsync(_app, account), returnUrl: "/console/customers");
        var page = await GetAsync(browser, "/console/password");
        var html = await HtmlAsync(page);
        var elsewhere = new Dictionary<string, HttpResponseMessage>();
        foreach (var path in new[] { "/console", "/console/customers", "/console/operators", "/console/audit", "/console/approvals", "/console/forbidden" })
        {
            elsewhere[path] = await GetAsync(browser, path);
        }

        var postElsewhere = await browser.PostAsync(new Uri("/console/operators?handler=Add", UriKind.Relative), new FormUrlEncodedContent(
            [new("login_id", "sneaky"), new("name", "Sneaky"), new("role", "admin"), new("reason", "before changing the password"),
             new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(page))]));
        var styles = await GetAsync(browser, "/css/console.css");
        var changed = await ChangeAsync(browser, account.Password, Chosen);
        var after = await GetAsync(browser, changed.Headers.Location!.OriginalString);
        var dashboard = await GetAsync(browser, "/console");

        Assert.Equal("/console/password", login.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"password-required\"", html, StringComparison.Ordinal);
        Assert.Contains("shown to whoever created your account or reset your credentials", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"console-nav\"", html, StringComparison.Ordinal);
        Assert.Contains("no-store", page.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        Assert.All(elsewhere, answer =>
        {
            Assert.Equal(HttpStatusCode.Redirect, answer.Value.StatusCode);
            Assert.Equal("/console/password", answer.Value.Headers.Location!.OriginalString);
        });
        Assert.Equal(HttpStatusCode.Redirect, postElsewhere.StatusCode);
        Assert.Equal("/console/password", postElsewhere.Headers.Location!.OriginalString);
        Assert.Equal(0L, await _database.ScalarAsync<long>("SELECT count(*) FROM operators WHERE login_id = 'sneaky'"));
        Assert.Equal(HttpStatusCode.OK, styles.StatusCode);
        Assert.Equal("/console/password?done=changed", changed.Headers.Location!.OriginalString);
        Assert.Contains("Your password was changed.", await HtmlAsync(after), StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"password-required\"", await HtmlAsync(after), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("class=\"console-nav\"", await HtmlAsync(dashboard), StringComparison.Ordinal);
        Assert.False(await MustChangeAsync(account));
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'operator_password_changed'"));
    }

    [Fact]
    public async Task AfterAnAdminReset_TheOperatorMustChangeTheNewPasswordFirst()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer);
        var reset = await _app.Services.GetRequiredService<OperatorStore>()
            .ResetCredentialsAsync(OperatorActor.Command("tests"), account.Id, "forgot the password", CancellationToken.None);
        var renewed = account with { Password = reset.Password, TotpSecret = reset.TotpSecretBase32 };
        var browser = OperatorTestAccounts.NewBrowser(_app);

        var login = await OperatorTestAccounts.LogInWithAsync(browser, renewed.LoginId, renewed.Password, await OperatorTestAccounts.NextCodeAsync(_app, renewed));
        var dashboard = await GetAsync(browser, "/console");
        var changed = await ChangeAsync(browser, renewed.Password, Chosen);

        Assert.Equal("/console/password", login.Headers.Location!.OriginalString);
        Assert.Equal("/console/password", dashboard.Headers.Location!.OriginalString);
        Assert.Equal("/console/password?done=changed", changed.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(browser, "/console")).StatusCode);
    }

    [Fact]
    public async Task Change_EndsTheOperatorsOtherSessionButNotThisOne()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Operator);
        var here = await OperatorTestAccounts.LogInAsync(_app, account);
        var elsewhere = await OperatorTestAccounts.LogInAsync(_app, account);
        var before = await _database.ScalarAsync<DateTime>("SELECT password_changed_at FROM operators WHERE id = $1", account.Id);
        var elsewhereBefore = await GetAsync(elsewhere, "/console");

        var changed = await ChangeAsync(here, account.Password, Chosen);
        var renewedCookie = changed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(OperatorSession.CookieName + "=", StringComparison.Ordinal));
        var hereAfter = await GetAsync(here, "/console");
        var elsewhereAfter = await GetAsync(elsewhere, "/console");

        Assert.Equal(HttpStatusCode.OK, elsewhereBefore.StatusCode);
        Assert.Equal("/console/password?done=changed", changed.Headers.Location!.OriginalString);
        Assert.Contains("path=/console", renewedCookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, hereAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, elsewhereAfter.StatusCode);
        Assert.StartsWith("/console/login", elsewhereAfter.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.True(await _database.ScalarAsync<DateTime>("SELECT password_changed_at FROM operators WHERE id = $1", account.Id) > before);
    }

    [Fact]
    public async Task WrongCurrentPassword_ClearErrorAtItsFieldNothingChangedAndCountedTowardTheLockout()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer, mustChangePassword: true);
        var browser = await OperatorTestAccounts.LogInAsync(_app, account);
        var hash = await PasswordHashAsync(account);

        var wrong = await ChangeAsync(browser, "Not-the-password-1", Chosen);
        var html = await HtmlAsync(wrong);
        var stillThere = await GetAsync(browser, "/console/password");

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("<p class=\"field-error\" id=\"error-current_password\">The current password is not correct. Nothing was changed.</p>", html,
            StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"error-current_password\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("error-new_password", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Not-the-password-1", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Chosen, html, StringComparison.Ordinal);
        Assert.Equal(hash, await PasswordHashAsync(account));
        Assert.True(await MustChangeAsync(account));
        Assert.Equal(1, await _database.ScalarAsync<int>("SELECT consecutive_failures FROM operators WHERE id = $1", account.Id));
        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'operator_password_change_failed'"));
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task NewPasswordRulesAndRepeat_ShownAtTheirFields_NothingCounted()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer, "kenji.sato", mustChangePassword: true);
        var browser = await OperatorTestAccounts.LogInAsync(_app, account);

        var weak = await ChangeAsync(browser, account.Password, "kenji.satoxx");
        var mismatch = await ChangeAsync(browser, account.Password, Chosen, Chosen + "x");
        var weakHtml = await HtmlAsync(weak);
        var mismatchHtml = await HtmlAsync(mismatch);

        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("id=\"error-new_password\"", weakHtml, StringComparison.Ordinal);
        Assert.Contains(OperatorPasswordRules.LoginIdRule, weakHtml, StringComparison.Ordinal);
        Assert.Contains(OperatorPasswordRules.ClassesRule, weakHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("error-current_password", weakHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("<p class=\"field-error\" id=\"error-repeat_password\">The two new passwords are not the same.</p>", mismatchHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("error-new_password", mismatchHtml, StringComparison.Ordinal);
        Assert.True(await MustChangeAsync(account));
        Assert.Equal(0, await _database.ScalarAsync<int>("SELECT consecutive_failures FROM operators WHERE id = $1", account.Id));
    }

    [Fact]
    public async Task Change_WithoutAntiforgeryToken_Refused400AndNothingChanged()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Viewer, mustChangePassword: true);
        var browser = await OperatorTestAccounts.LogInAsync(_app, account);
        var hash = await PasswordHashAsync(account);

        var noToken = await browser.PostAsync(new Uri("/console/password", UriKind.Relative), new FormUrlEncodedContent(
            [new("current_password", account.Password), new("new_password", Chosen), new("repeat_password", Chosen)]));

        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(hash, await PasswordHashAsync(account));
        Assert.True(await MustChangeAsync(account));
    }

    [Fact]
    public async Task WhilePasswordMustChange_LogoutWorksAndTheAdminApiKeyIsUnaffected()
    {
        var account = await OperatorTestAccounts.CreateAsync(_app, OperatorRole.Admin, mustChangePassword: true);
        var browser = await OperatorTestAccounts.LogInAsync(_app, account);

        var me = await OperatorTestAccounts.ApiClient(_app, account.ApiKey).GetAsync(new Uri("/admin/v1/me", UriKind.Relative));
        var logout = await OperatorTestAccounts.PostFormAsync(browser, "/console/logout", []);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("/console/login?e=logged-out", logout.Headers.Location!.OriginalString);
        Assert.Equal("/console/login", (await GetAsync(browser, "/console")).Headers.Location!.AbsolutePath);
    }
}
