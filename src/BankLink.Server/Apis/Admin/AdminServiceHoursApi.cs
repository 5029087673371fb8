using BankLink.Data.Operations;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Operations.ServiceHours;
using BankLink.Domain.Time;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>
/// Service hours and maintenance windows (DOMAIN.md "Service hours and data freshness"; issue 6): view with the next
/// closure for any role; save a new document or go back to configuration for admins. Every edit names the version it
/// was made on (<c>expectedVersion</c>), so two admins editing at once cannot overwrite each other (409).
/// </summary>
public static class AdminServiceHoursApi
{
    public sealed record WindowBody(DateTimeOffset? Start, DateTimeOffset? End, string? Reason);

    public sealed record DocumentBody(
        string? Monday, string? Tuesday, string? Wednesday, string? Thursday, string? Friday, string? Saturday, string? Sunday, string? OutsideHours,
        IReadOnlyList<WindowBody?>? Maintenance);

    public sealed record SaveBody(string? Reason, long? ExpectedVersion, DocumentBody? Document);

    public sealed record RevertBody(string? Reason, long? ExpectedVersion);

    public static RouteGroupBuilder MapAdminServiceHoursApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/service-hours", async (HttpContext http, ServiceHoursOperations hours, CancellationToken ct) =>
            TypedResults.Ok(AdminModels.ServiceHours(await hours.GetAsync(http.RequireOperator(), ct))));

        group.MapPut("/service-hours", async (HttpContext http, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<SaveBody>(http);
            var version = body.ExpectedVersion ?? throw AdminProblems.Invalid("Give expectedVersion: the version the edit was made on (GET /service-hours).");
            var document = Document(body.Document);
            return await AdminProblems.RunAsync(http, actions, ProviderActionExecutor.SaveServiceHours(document, version), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Admin);

        group.MapPost("/service-hours/revert", async (HttpContext http, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<RevertBody>(http);
            var version = body.ExpectedVersion ?? throw AdminProblems.Invalid("Give expectedVersion: the version the edit was made on (GET /service-hours).");
            return await AdminProblems.RunAsync(http, actions, ProviderActionExecutor.RevertServiceHours(version), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Admin);
        return group;
    }

    /// <summary>The document as the operations take it; 400 naming every problem (each with its field) when it cannot be saved.</summary>
    private static ServiceHoursDocument Document(DocumentBody? body)
    {
        if (body is null)
        {
            throw AdminProblems.Invalid("Give the service hours document.");
        }

        var weekly = new Dictionary<DayOfWeek, string>();
        foreach (var (day, text) in new[]
        {
            (DayOfWeek.Monday, body.Monday), (DayOfWeek.Tuesday, body.Tuesday), (DayOfWeek.Wednesday, body.Wednesday), (DayOfWeek.Thursday, body.Thursday),
            (DayOfWeek.Friday, body.Friday), (DayOfWeek.Saturday, body.Saturday), (DayOfWeek.Sunday, body.Sunday),
        })
        {
            if (text is not null)
            {
                weekly[day] = text;
            }
        }

        var problems = new List<string>();
        var outside = body.OutsideHours switch
        {
            "refuse" => OutsideHoursPolicy.Refuse,
            "serve_last_known" => OutsideHoursPolicy.ServeLastKnown,
            _ => (OutsideHoursPolicy?)null,
        };
        if (outside is null)
        {
            problems.Add("outsideHours: refuse or serve_last_known.");
        }

        var windows = (body.Maintenance ?? []).Select(w => w is null ? null! : new MaintenanceWindow(w.Start ?? default, w.End ?? default, w.Reason ?? "")).ToList();
        var document = new ServiceHoursDocument(weekly, windows, outside ?? OutsideHoursPolicy.Refuse);
        problems.AddRange(ServiceHoursOperations.Validate(document));
        return problems.Count == 0 ? document : throw AdminProblems.Invalid("The service hours cannot be saved: " + string.Join("; ", problems), problems);
    }
}
