using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Operators;

/// <summary>
/// The one place that keeps an operator with a generated password (just created, or their credentials reset: someone
/// else has seen it) to the password page. Every page under Pages/Console gets this filter by convention; while the
/// session carries <see cref="OperatorClaims.MustChangePassword"/> (re-read from the database on every request by
/// <see cref="OperatorSession"/>), any other console page answers a redirect to <see cref="PasswordPath"/>, which says
/// why. Left open: the password page itself, logout, and the two login steps (a login replaces the session). It runs
/// after authorization (a session that has ended still goes to the login, a viewer's admin page still to the forbidden
/// page, which then comes here) and after the antiforgery check, and before model binding: nothing of the page runs.
/// Static files are not pages and never pass here (nor are they under /console).
/// The admin API is deliberately not gated: its API keys are issued to the bank's tools, not to people, and nobody types
/// a password to use one, so an operator's pending password change does not stop the tools acting with their role.
/// </summary>
internal sealed class ConsolePasswordGate : IResourceFilter
{
    public const string PasswordPath = "/console/password";

    /// <summary>The console pages (by their Razor path) an operator reaches before changing a generated password.</summary>
    private static readonly HashSet<string> OpenPages = new(StringComparer.OrdinalIgnoreCase)
    {
        "/Console/Password", "/Console/Logout", "/Console/Login", "/Console/LoginOtp",
    };

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ActionDescriptor is PageActionDescriptor page && OpenPages.Contains(page.ViewEnginePath))
        {
            return;
        }

        if (OperatorClaims.MustChangePasswordIn(context.HttpContext.User))
        {
            ConsolePageHeaders.Apply(context.HttpContext.Response);
            context.Result = new LocalRedirectResult(PasswordPath);
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
