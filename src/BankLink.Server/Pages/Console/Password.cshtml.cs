using BankLink.Data.Operators;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// Any logged-in operator changes their own password: the current one, the new one twice. While the operator still has
/// a generated password (first login, or after an admin reset their credentials) this is the only console page open to
/// them (<see cref="ConsolePasswordGate"/>), and it says why. Errors are shown at their field. A wrong current password
/// counts toward the lockout like a failed login; on success this session gets a new cookie and every other session of
/// the operator ends (post/redirect/get, with a notice).
/// </summary>
public sealed class ConsolePasswordModel(OperatorStore operators, IOptions<OperatorSecurityOptions> security) : PageModel
{
    [BindProperty(Name = "current_password")]
    public string? CurrentPassword { get; set; }

    [BindProperty(Name = "new_password")]
    public string? NewPassword { get; set; }

    [BindProperty(Name = "repeat_password")]
    public string? RepeatPassword { get; set; }

    /// <summary>What the last change did, as a code from the redirect (never free text from the query).</summary>
    [BindProperty(Name = "done", SupportsGet = true)]
    public string? DoneCode { get; set; }

    public string? CurrentPasswordError { get; private set; }

    public IReadOnlyList<string> NewPasswordErrors { get; private set; } = [];

    public string? RepeatPasswordError { get; private set; }

    public string LoginId => HttpContext.RequireOperator().LoginId;

    /// <summary>The operator still has a generated password: the page explains why nothing else opens.</summary>
    public bool Required => HttpContext.MustChangeOperatorPassword();

    public int MaxFailures => security.Value.MaxConsecutiveFailures;

    public string? Notice => DoneCode == "changed" && !Required
        ? "Your password was changed. Any other console session of yours has ended; this one goes on."
        : null;

    public bool HasErrors => CurrentPasswordError is not null || NewPasswordErrors.Count > 0 || RepeatPasswordError is not null;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var actor = HttpContext.RequireOperator();
        DoneCode = null;
        if (string.IsNullOrEmpty(CurrentPassword))
        {
            CurrentPasswordError = "Enter your current password.";
        }

        if (!string.Equals(NewPassword, RepeatPassword, StringComparison.Ordinal))
        {
            RepeatPasswordError = "The two new passwords are not the same.";
        }

        if (HasErrors)
        {
            // The current password is not checked (nor a failure counted) until the form is complete; the new password's
            // rules need no secret, so they are answered now too.
            NewPasswordErrors = OperatorPasswordRules.Problems(NewPassword, actor.LoginId, CurrentPassword);
            return Refused();
        }

        var result = await operators.ChangeOwnPasswordAsync(actor.OperatorId, CurrentPassword, NewPassword, HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case OperatorPasswordChangeOutcome.Changed:
                await OperatorSession.RenewAfterPasswordChangeAsync(HttpContext, result.Session!);
                return LocalRedirect(ConsolePasswordGate.PasswordPath + "?done=changed");
            case OperatorPasswordChangeOutcome.CurrentPasswordWrong:
                CurrentPasswordError = "The current password is not correct. Nothing was changed.";
                NewPasswordErrors = result.NewPasswordProblems;
                return Refused();
            case OperatorPasswordChangeOutcome.NewPasswordRefused:
                NewPasswordErrors = result.NewPasswordProblems;
                return Refused();
            default:
                await OperatorSession.SignOutAsync(HttpContext);
                return LocalRedirect("/console/login?e=" + nameof(OperatorLoginOutcome.Stopped));
        }
    }

    private PageResult Refused()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
