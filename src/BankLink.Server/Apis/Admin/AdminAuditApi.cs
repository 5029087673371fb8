using System.Globalization;
using System.Text;
using BankLink.Data.Operations.Audit;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>
/// The audit trail (issue 6 "Audit trail: filter ...; CSV export; verify the hash chain"), for any role: keyset pages
/// newest first, a streamed CSV export of everything a filter matches (recorded as audit_exported before the first
/// line), and a check of every hash chain (recorded as audit_verified).
/// </summary>
public static class AdminAuditApi
{
    /// <summary>Set on an export that stopped at <see cref="AuditSearch.MaxExportRows"/> events: narrow the filter or continue with <c>before</c>.</summary>
    public const string TruncatedHeader = "X-BankLink-Export-Truncated";

    private static readonly string[] Filters = ["customerId", "providerId", "accountId", "operator", "eventType", "includeDataReads", "from", "to", "before"];

    public static RouteGroupBuilder MapAdminAuditApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/audit-events", async (HttpContext http, AuditSearch search, CancellationToken ct) =>
        {
            var query = Query(AdminRequests.Query(http, [.. Filters, "limit"]));
            var page = await search.QueryAsync(http.RequireOperator(), query, ct);
            return TypedResults.Ok(new AdminAuditEventPage([.. page.Records.Select(AdminModels.AuditEvent)], page.NextBefore));
        });

        group.MapGet("/audit-events.csv", async (HttpContext http, AuditSearch search, CancellationToken ct) =>
        {
            var query = Query(AdminRequests.Query(http, Filters));
            var export = await search.BeginCsvExportAsync(http.RequireOperator(), query, ct);
            http.Response.Headers[TruncatedHeader] = export.Truncated ? "true" : "false";

            // Streamed line by line as the keyset pages are read: memory stays flat for any size of export.
            return TypedResults.Stream(async stream =>
            {
                await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
                await foreach (var line in export.ReadLinesAsync(http.RequestAborted))
                {
                    await writer.WriteAsync(line);
                }
            }, AuditCsv.ContentType, export.FileName);
        });

        group.MapPost("/audit/verify", async (HttpContext http, AuditIntegrity integrity, CancellationToken ct) =>
            TypedResults.Ok(AdminModels.Verification(await integrity.VerifyAsync(http.RequireOperator(), ct))));
        return group;
    }

    private static AuditQuery Query(IReadOnlyDictionary<string, string> q) => new()
    {
        CustomerId = Guid(q, "customerId"),
        ProviderId = Guid(q, "providerId"),
        AccountId = Guid(q, "accountId"),
        OperatorLoginId = q.GetValueOrDefault("operator"),
        EventTypes = q.TryGetValue("eventType", out var types)
            ? [.. types.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]
            : null,
        IncludeDataReads = q.TryGetValue("includeDataReads", out var reads) && (reads is "true" or "false"
            ? reads == "true"
            : throw AdminProblems.Invalid("includeDataReads is true or false.")),
        From = Time(q, "from"),
        To = Time(q, "to"),
        Before = q.TryGetValue("before", out var before)
            ? long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : throw AdminProblems.Invalid("before is an event id (a positive integer).")
            : null,
        Limit = q.TryGetValue("limit", out var limit)
            ? int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw AdminProblems.Invalid($"limit is 1 to {AuditQuery.MaxLimit}.")
            : 100,
    };

    private static Guid? Guid(IReadOnlyDictionary<string, string> q, string name) => q.TryGetValue(name, out var text)
        ? System.Guid.TryParseExact(text, "D", out var id) ? id : throw AdminProblems.Invalid($"{name} is a UUID.")
        : null;

    /// <summary>An RFC 3339 date-time with its offset (<c>2026-11-21T09:00:00+09:00</c>); a time without an offset is ambiguous and refused.</summary>
    private static DateTimeOffset? Time(IReadOnlyDictionary<string, string> q, string name)
    {
        if (!q.TryGetValue(name, out var text))
        {
            return null;
        }

        return text.Length >= 20 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw AdminProblems.Invalid($"{name} is an RFC 3339 date-time with an offset, like 2026-11-21T09:00:00+09:00.");
    }
}
