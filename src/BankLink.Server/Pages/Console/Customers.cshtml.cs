using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using Microsoft.AspNetCore.Mvc;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// Find a customer (issue 6) by login ID, customer number or account number (any role). The search is a GET form: it
/// changes nothing and its address can be kept. A term the directory cannot search by is answered 400 with the reason.
/// </summary>
public sealed class ConsoleCustomersModel(CustomerDirectory directory) : ConsolePageModel
{
    public static IReadOnlyList<(string Value, string Label, CustomerSearchBy By)> SearchKinds { get; } =
    [
        ("login_id", "Login ID", CustomerSearchBy.LoginId),
        ("customer_number", "Customer number", CustomerSearchBy.CustomerNumber),
        ("account_number", "Account number (branch-number or number)", CustomerSearchBy.AccountNumber),
    ];

    [BindProperty(Name = "by", SupportsGet = true)]
    public string? By { get; set; }

    [BindProperty(Name = "q", SupportsGet = true)]
    public string? Term { get; set; }

    /// <summary>Null before a search.</summary>
    public IReadOnlyList<CustomerSummary>? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (Term is null)
        {
            return Page();
        }

        var kind = SearchKinds.FirstOrDefault(k => k.Value == (By ?? "login_id"));
        if (kind.Value is null)
        {
            Error = "Search by login ID, customer number or account number.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        return await LoadPageAsync(async () => Results = await directory.SearchAsync(Operator, kind.By, Term, Aborted));
    }
}
