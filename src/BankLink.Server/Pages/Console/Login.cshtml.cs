using BankLink.Data.Operators;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// Console login step one: login ID and password. Whatever the check finds, the operator goes on to the code (step two)
/// and hears the answer there, so the two steps never tell which factor was wrong. Only a throttled client address is
/// answered here: nothing was checked for it.
/// </summary>
public sealed class ConsoleLoginModel(OperatorAuthenticator authenticator, OperatorPendingLogin pendingLogin) : PageModel
{
    [BindProperty(Name = "login_id")]
    public string? LoginId { get; set; }

    [BindProperty(Name = "password")]
    public string? Password { get; set; }

    [BindProperty(Name = "returnUrl", SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Why the operator is back at step one (set by step two): a code, never which factor.</summary>
    [BindProperty(Name = "e", SupportsGet = true)]
    public string? Outcome { get; set; }

    public string? Error { get; private set; }

    public string? Notice { get; private set; }

    public void OnGet() => (Error, Notice) = Describe(Outcome);

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await authenticator.CheckPasswordAsync(LoginId, Password, HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted);
        if (result.Outcome == OperatorLoginOutcome.Throttled)
        {
            (Error, Notice) = Describe(nameof(OperatorLoginOutcome.Throttled));
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        pendingLogin.Save(HttpContext, new OperatorPendingLogin.State(result.Outcome, result.OperatorId));
        return LocalRedirect("/console/login/otp" + ReturnQuery(ReturnUrl));
    }

    /// <summary>One message for any wrong answer (DOMAIN.md: wrong input never reveals which part was wrong).</summary>
    internal static (string? Error, string? Notice) Describe(string? outcome) => outcome switch
    {
        nameof(OperatorLoginOutcome.Wrong) => ("The login ID, password or code is not correct.", null),
        nameof(OperatorLoginOutcome.Stopped) => ("This operator account is stopped or disabled. An admin must re-activate it.", null),
        nameof(OperatorLoginOutcome.Throttled) => ("Too many failed logins from your network. Wait ten minutes, then try again.", null),
        "expired" => ("The login took too long. Please start again.", null),
        "logged-out" => (null, "You have logged out."),
        _ => (null, null),
    };

    internal static string ReturnQuery(string? returnUrl) =>
        ConsoleFormat.IsConsoleReturnUrl(returnUrl) ? "?returnUrl=" + Uri.EscapeDataString(returnUrl!) : "";
}
