using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>Ends the console session (a POST with an antiforgery token: a link on another site cannot log anyone out).</summary>
public sealed class ConsoleLogoutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await OperatorSession.SignOutAsync(HttpContext);
        return LocalRedirect("/console/login?e=logged-out");
    }
}
