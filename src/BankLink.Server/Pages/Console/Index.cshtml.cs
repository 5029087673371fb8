using BankLink.Data.Operations;
using BankLink.Domain.Operators;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>The console's start page: who is logged in and what their role allows (the dashboard's charts come here later).</summary>
public sealed class ConsoleIndexModel : PageModel
{
    public OperatorActor Operator { get; private set; } = null!;

    public string DisplayName { get; private set; } = "";

    public string RoleExplanation => Operator.Role switch
    {
        OperatorRole.Admin => "Admins also manage providers, onboarding tokens, service hours and operators.",
        OperatorRole.Operator => "Operators can also revoke links, lift stops, deregister OTP tokens and record account events.",
        _ => "Viewers can look things up but change nothing.",
    };

    public void OnGet()
    {
        Operator = HttpContext.RequireOperator();
        DisplayName = HttpContext.GetOperatorDisplayName() ?? Operator.LoginId;
    }
}
