using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BankLink.DemoBank;
using BankLink.Domain.Otp;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BankLink.Server.Tests;

/// <summary>
/// A customer's browser as plain HTTP (cookies kept, redirects not followed): the two login steps with the
/// one-time password a demo customer's authenticator app shows. One session per customer and application, as
/// a real browser keeps one: a one-time password is accepted once per 30-second step (RFC 6238 §5.2), so
/// logging in again within a step would be refused, exactly as for a customer.
/// </summary>
internal static class CustomerBrowser
{
    private static readonly ConditionalWeakTable<BankLinkApp, ConcurrentDictionary<string, Lazy<Task<HttpClient>>>> Sessions = [];

    public static Task<HttpClient> LoggedInAsync(BankLinkApp app, string loginId, string password) =>
        Sessions.GetOrCreateValue(app).GetOrAdd(loginId, _ => new Lazy<Task<HttpClient>>(() => LogInAsync(app, loginId, password))).Value;

    /// <summary>A fresh browser that logs in: step one, then the code the customer's token shows now.</summary>
    public static async Task<HttpClient> LogInAsync(BankLinkApp app, string loginId, string password, string? code = null)
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var answer = await LogInWithAsync(browser, loginId, password, code);
        if (answer.Headers.Location?.OriginalString.StartsWith("/login", StringComparison.Ordinal) != false)
        {
            throw new InvalidOperationException($"Login answered {(int)answer.StatusCode} {answer.Headers.Location}.");
        }

        return browser;
    }

    /// <summary>
    /// Both login steps in <paramref name="browser"/>; returns step two's answer (a redirect to the return URL when
    /// logged in, back to /login?e=… when not). <paramref name="code"/> defaults to the code the token shows now.
    /// </summary>
    public static async Task<HttpResponseMessage> LogInWithAsync(HttpClient browser, string loginId, string password, string? code = null, string? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var query = returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl);
        var stepOne = await PostFormAsync(browser, "/login" + query, [new("login_id", loginId), new("password", password)]);
        if (stepOne.Headers.Location?.OriginalString.StartsWith("/login/otp", StringComparison.Ordinal) != true)
        {
            return stepOne;
        }

        return await PostFormAsync(browser, stepOne.Headers.Location.OriginalString,
            [new("otp", code ?? (DemoCustomers.All.Any(c => c.LoginId == loginId) ? CurrentCode(loginId) : "000000"))]);
    }

    /// <summary>The code a demo customer's software token shows now.</summary>
    public static string CurrentCode(string loginId, DateTimeOffset? at = null)
    {
        var customer = DemoCustomers.All.Single(c => c.LoginId == loginId);
        return Totp.Compute(Base32.Decode(customer.OtpSecretBase32), Totp.TimeStepAt(at ?? DateTimeOffset.UtcNow));
    }

    /// <summary>GETs the page for its antiforgery token, then POSTs the form to it.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string path, List<KeyValuePair<string, string>> fields)
    {
        var page = await browser.GetAsync(new Uri(path, UriKind.Relative));
        fields.Add(new("__RequestVerificationToken", await ProviderClient.AntiforgeryTokenAsync(page)));
        return await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(fields));
    }
}
