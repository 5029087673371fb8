using BankLink.Domain.Operators;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>Where the console sends an operator whose role is too low (the cookie scheme's access-denied path); answers 403.</summary>
public sealed class ConsoleForbiddenModel : PageModel
{
    public string Role { get; private set; } = "";

    public void OnGet()
    {
        Role = HttpContext.RequireOperator().Role.ToName();
        Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}
