using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using BankLink.Data.Operations;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Domain.Otp;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BankLink.Server.Tests;

/// <summary>An operator made for a test, with its secrets: what the admin would have handed over.</summary>
public sealed record OperatorTestAccount(Guid Id, string LoginId, OperatorRole Role, string Password, string TotpSecret, string ApiKey)
{
    public override string ToString() => $"OperatorTestAccount {{ LoginId = {LoginId}, Role = {Role} }}";
}

/// <summary>
/// Operators for server tests: made straight through <see cref="OperatorStore"/> (as <c>operators add</c> would), with an
/// admin API key, and a console login over plain HTTP (cookies kept, redirects not followed, antiforgery handled).
/// A TOTP code is accepted once per 30-second step (RFC 6238 §5.2) and never one older than the last used, so this helper
/// remembers each operator's last step and uses the next one (the server accepts one step of drift): two logins of one
/// operator per step, then it waits for the clock. <see cref="LoggedInAsync"/> keeps one session per operator and app.
/// </summary>
public static class OperatorTestAccounts
{
    private static readonly ConcurrentDictionary<Guid, long> LastSteps = new();
    private static readonly ConditionalWeakTable<WebApplicationFactory<Program>, ConcurrentDictionary<Guid, Lazy<Task<HttpClient>>>> Sessions = [];
    private static int _counter;

    /// <summary>
    /// Creates an active operator of <paramref name="role"/> with an API key valid 30 days, ready for the console: unless
    /// <paramref name="mustChangePassword"/>, its must-change-password flag is cleared as if the operator had chosen their
    /// own password already (straight in the database: a real change costs two PBKDF2 runs, and many tests make several
    /// operators; the change itself is tested in OperatorPasswordChangeTests). <see cref="OperatorTestAccount.Password"/>
    /// is the password the operator logs in with either way.
    /// </summary>
    public static async Task<OperatorTestAccount> CreateAsync(
        WebApplicationFactory<Program> app, OperatorRole role, string? loginId = null, bool mustChangePassword = false)
    {
        ArgumentNullException.ThrowIfNull(app);
        var actor = OperatorActor.Command("tests");
        loginId ??= $"{role.ToName()}{Interlocked.Increment(ref _counter)}";
        var credentials = await app.Services.GetRequiredService<OperatorStore>()
            .CreateAsync(actor, loginId, $"Test {role.ToName()} {loginId}", role, "made for a test", CancellationToken.None);
        if (!mustChangePassword)
        {
            await using var clear = app.Services.GetRequiredService<NpgsqlDataSource>()
                .CreateCommand("UPDATE operators SET must_change_password = false WHERE id = $1");
            clear.Parameters.AddWithValue(credentials.Operator.Id);
            await clear.ExecuteNonQueryAsync();
        }

        var key = await app.Services.GetRequiredService<OperatorApiKeys>()
            .IssueAsync(actor, credentials.Operator.Id, "tests", TimeSpan.FromDays(30), reason: null, CancellationToken.None);
        return new OperatorTestAccount(credentials.Operator.Id, credentials.Operator.LoginId, role, credentials.Password, credentials.TotpSecretBase32, key.Key);
    }

    /// <summary>A browser logged in to the console as <paramref name="account"/>: one per operator and app, made once.</summary>
    public static Task<HttpClient> LoggedInAsync(WebApplicationFactory<Program> app, OperatorTestAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return Sessions.GetOrCreateValue(app).GetOrAdd(account.Id, _ => new Lazy<Task<HttpClient>>(() => LogInAsync(app, account))).Value;
    }

    /// <summary>A fresh browser that logs in (both steps); throws when the console does not let it in.</summary>
    public static async Task<HttpClient> LogInAsync(WebApplicationFactory<Program> app, OperatorTestAccount account)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(account);
        var browser = NewBrowser(app);
        var answer = await LogInWithAsync(browser, account.LoginId, account.Password, await NextCodeAsync(app, account));
        if (answer.Headers.Location?.OriginalString.StartsWith("/console/login", StringComparison.Ordinal) != false)
        {
            throw new InvalidOperationException($"Console login of {account.LoginId} answered {(int)answer.StatusCode} {answer.Headers.Location}.");
        }

        return browser;
    }

    /// <summary>A browser with no session: cookies kept, redirects not followed.</summary>
    public static HttpClient NewBrowser(WebApplicationFactory<Program> app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
    }

    /// <summary>
    /// Both login steps in <paramref name="browser"/>; returns step two's answer (a redirect into /console when logged in,
    /// back to /console/login?e=… when not), or step one's when it did not lead to step two.
    /// </summary>
    public static async Task<HttpResponseMessage> LogInWithAsync(HttpClient browser, string loginId, string password, string code, string? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var query = returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl);
        var stepOne = await PostFormAsync(browser, "/console/login" + query, [new("login_id", loginId), new("password", password)]);
        if (stepOne.Headers.Location?.OriginalString.StartsWith("/console/login/otp", StringComparison.Ordinal) != true)
        {
            return stepOne;
        }

        return await PostFormAsync(browser, stepOne.Headers.Location.OriginalString, [new("otp", code)]);
    }

    /// <summary>GETs <paramref name="path"/> for its antiforgery token, then POSTs the form to it.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, List<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(browser);
        ArgumentNullException.ThrowIfNull(fields);
        var page = await browser.GetAsync(new Uri(path, UriKind.Relative));
        fields.Add(new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(page)));
        return await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// A code the server will accept for <paramref name="account"/> now: the current step, or the next one when the current
    /// one was used already (one step of drift is accepted); waits for the clock when both were used. The app's own clock
    /// decides, so tests with a settable clock get codes for their time.
    /// </summary>
    public static async Task<string> NextCodeAsync(WebApplicationFactory<Program> app, OperatorTestAccount account)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(account);
        var clock = app.Services.GetRequiredService<TimeProvider>();
        while (true)
        {
            var current = Totp.TimeStepAt(clock.GetUtcNow());
            var last = LastSteps.GetValueOrDefault(account.Id, long.MinValue);
            var step = Math.Max(current, last + 1);
            if (step <= current + Totp.DriftSteps)
            {
                if (LastSteps.TryUpdate(account.Id, step, last) || (last == long.MinValue && LastSteps.TryAdd(account.Id, step)))
                {
                    return CodeAt(account.TotpSecret, step);
                }

                continue;
            }

            if (clock != TimeProvider.System)
            {
                throw new InvalidOperationException($"Every code {account.LoginId} may use now was used; move the test clock 30 seconds on.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The code of one time step (RFC 6238), for tests that need a specific one (a replay, a wrong step).</summary>
    public static string CodeAt(string totpSecret, long step) => Totp.Compute(Base32.Decode(totpSecret), step);

    /// <summary>An admin API client sending <c>Authorization: Bearer</c> with <paramref name="apiKey"/> (none when null).</summary>
    public static HttpClient ApiClient(WebApplicationFactory<Program> app, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(app);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}
