using BankLink.Data.Customers;
using BankLink.Server.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// Login step one: login ID and password (DOMAIN.md "Proving who the customer is"). Whatever the password
/// check finds, the customer goes on to the one-time password (step two) and hears the answer there, so
/// the two steps never tell which factor was wrong. Only a throttled client address is answered here:
/// nothing was checked for it.
/// </summary>
public sealed class LoginModel(CustomerAuthenticator authenticator, PendingLogin pendingLogin, IStringLocalizer<CustomerText> text) : PageModel
{
    [BindProperty(Name = "login_id")]
    public string? LoginId { get; set; }

    [BindProperty(Name = "password")]
    public string? Password { get; set; }

    [BindProperty(Name = "returnUrl", SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Why the customer is back at step one (set by step two): a code, never which factor.</summary>
    [BindProperty(Name = "e", SupportsGet = true)]
    public string? Outcome { get; set; }

    public string? Error { get; private set; }

    public string? Warning { get; private set; }

    public void OnGet()
    {
        PageHeaders.Apply(Response);
        (Error, Warning) = Describe(Outcome);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        PageHeaders.Apply(Response);
        var result = await authenticator.CheckPasswordAsync(LoginId, Password, HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted);
        if (result.Outcome == AuthenticationOutcome.Throttled)
        {
            (Error, Warning) = Describe(nameof(AuthenticationOutcome.Throttled));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        pendingLogin.Save(HttpContext, new PendingLogin.State(result.Outcome, result.Customer?.Id));
        return LocalRedirect("/login/otp" + ReturnQuery(ReturnUrl));
    }

    /// <summary>The words for an outcome code: one message for any wrong answer, a warning before the last attempt.</summary>
    internal (string? Error, string? Warning) Describe(string? outcome) => outcome switch
    {
        nameof(AuthenticationOutcome.Wrong) => (text["Login.Wrong"], null),
        nameof(AuthenticationOutcome.WrongOneAttemptLeft) => (text["Login.Wrong"], text["Login.OneAttemptLeft"]),
        nameof(AuthenticationOutcome.Stopped) => (text["Login.Stopped"], null),
        nameof(AuthenticationOutcome.Throttled) => (text["Login.Throttled"], null),
        "expired" => (text["Login.StartAgain"], null),
        "logged-out" => (null, text["Login.LoggedOut"]),
        _ => (null, null),
    };

    internal static string ReturnQuery(string? returnUrl) =>
        CustomerLocalization.IsLocalPath(returnUrl) ? "?returnUrl=" + Uri.EscapeDataString(returnUrl!) : "";
}
