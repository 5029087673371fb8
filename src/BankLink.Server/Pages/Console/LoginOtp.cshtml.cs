using BankLink.Data.Operators;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// Console login step two: the TOTP code. The code is checked only when step one proved the operator (a code typed after
/// a wrong password moves no counter twice); any failure goes back to step one with one message for every factor. On
/// success the operator gets a new session cookie, and goes to the password page first while they still have a
/// generated password.
/// </summary>
public sealed class ConsoleLoginOtpModel(OperatorAuthenticator authenticator, OperatorPendingLogin pendingLogin, TimeProvider clock) : PageModel
{
    [BindProperty(Name = "otp")]
    public string? Otp { get; set; }

    [BindProperty(Name = "returnUrl", SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() => pendingLogin.Read(HttpContext) is null ? BackToStepOne("expired") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var pending = pendingLogin.Read(HttpContext);
        OperatorPendingLogin.Clear(HttpContext);
        if (pending is null)
        {
            return BackToStepOne("expired");
        }

        if (pending.Outcome != OperatorLoginOutcome.Accepted || pending.OperatorId is not { } operatorId)
        {
            return BackToStepOne(pending.Outcome.ToString());
        }

        var result = await authenticator.CheckCodeAsync(operatorId, Otp, HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted);
        if (result.Outcome != OperatorLoginOutcome.Accepted || result.Session is null)
        {
            return BackToStepOne(result.Outcome.ToString());
        }

        // A new cookie with a new ticket replaces whatever the browser held: a session planted before the login is never the one after.
        await OperatorSession.SignInAsync(HttpContext, result.Session, clock.GetUtcNow());

        // A generated password (first login, or after a reset) is replaced before anything else: straight to the page
        // that says so, rather than to a page ConsolePasswordGate would turn away.
        return LocalRedirect(result.Session.MustChangePassword ? ConsolePasswordGate.PasswordPath
            : ConsoleFormat.IsConsoleReturnUrl(ReturnUrl) ? ReturnUrl! : "/console");
    }

    private LocalRedirectResult BackToStepOne(string outcome) =>
        LocalRedirect("/console/login?e=" + Uri.EscapeDataString(outcome)
            + (ConsoleFormat.IsConsoleReturnUrl(ReturnUrl) ? "&returnUrl=" + Uri.EscapeDataString(ReturnUrl!) : ""));
}
