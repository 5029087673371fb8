using BankLink.Data.Operations;
using BankLink.Data.Operations.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.Providers;
using Microsoft.AspNetCore.Mvc;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// The audit trail (issue 6; any role): filter by customer, provider, account, operator, event type and time, a page
/// of 50 events newest first with a link to the older ones, the CSV download of everything the filters match (a GET
/// link carrying them, /console/audit/export), and a check of the hash chains whose result is shown here (and recorded
/// in the trail as audit_verified).
/// </summary>
public sealed class ConsoleAuditModel(AuditSearch search, AuditIntegrity integrity, CustomerDirectory directory, ProviderOperations providers) : ConsolePageModel
{
    public AuditFilter Filter { get; private set; } = new();

    public AuditRecordPage? Results { get; private set; }

    public IReadOnlyList<ProviderSummary> Providers { get; private set; } = [];

    /// <summary>The outcome of "verify the hash chain", in the answer to that POST.</summary>
    public AuditIntegrityReport? Verification { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    /// <summary>Checks every chain of the trail (a read, though it records that it ran: a POST with the antiforgery token).</summary>
    public async Task<IActionResult> OnPostVerifyAsync()
    {
        Verification = await integrity.VerifyAsync(Operator, Aborted);
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Filter = AuditFilter.FromQuery(Request.Query);
        Providers = await providers.ListAsync(Operator, Aborted);
        try
        {
            Results = await search.QueryAsync(Operator, await Filter.ToQueryAsync(directory, Operator, Aborted), Aborted);
        }
        catch (OperationRefusedException refused)
        {
            Error = refused.Message;
            Response.StatusCode = StatusOf(refused);
        }
    }
}
