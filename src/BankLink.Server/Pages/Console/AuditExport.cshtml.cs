using System.Text;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// The audit trail as CSV (any role): everything the audit page's filters match, newest first, streamed page by page
/// as <see cref="AuditSearch"/> reads it (at most <see cref="AuditSearch.MaxExportRows"/> events; a header says when the
/// filter matched more). A GET, so a plain link downloads it; the export is recorded as audit_exported before the first
/// line. Bad filters are answered 400 in plain text.
/// </summary>
public sealed class ConsoleAuditExportModel(AuditSearch search, CustomerDirectory directory) : PageModel
{
    public const string TruncatedHeader = "X-BankLink-Export-Truncated";

    public async Task<IActionResult> OnGetAsync()
    {
        var actor = HttpContext.RequireOperator();
        AuditCsvExport export;
        try
        {
            var query = await AuditFilter.FromQuery(Request.Query).ToQueryAsync(directory, actor, HttpContext.RequestAborted);
            export = await search.BeginCsvExportAsync(actor, query with { Before = null }, HttpContext.RequestAborted);
        }
        catch (OperationRefusedException refused)
        {
            return new ContentResult
            {
                StatusCode = ConsolePageModel.StatusOf(refused),
                Content = refused.Message + "\n",
                ContentType = "text/plain; charset=utf-8",
            };
        }

        return new CsvResult(export);
    }

    /// <summary>Writes the export's lines as they are read, flushing page by page.</summary>
    private sealed class CsvResult(AuditCsvExport export) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.ContentType = AuditCsv.ContentType;
            response.Headers[HeaderNames.ContentDisposition] = new ContentDispositionHeaderValue("attachment") { FileName = export.FileName }.ToString();
            response.Headers[TruncatedHeader] = export.Truncated ? "true" : "false";
            var lines = 0;
            await foreach (var line in export.ReadLinesAsync(context.HttpContext.RequestAborted))
            {
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), context.HttpContext.RequestAborted);
                if (++lines % 1000 == 0)
                {
                    await response.Body.FlushAsync(context.HttpContext.RequestAborted);
                }
            }
        }
    }
}
