using BankLink.Data.Operations.Dashboard;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>The operators' dashboard (issue 6), for any role: tokens issued, active links, requests, refusals by reason and lockouts per hour or day.</summary>
public static class AdminDashboardApi
{
    public static RouteGroupBuilder MapAdminDashboardApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/dashboard", async (HttpContext http, DashboardStatistics statistics, CancellationToken ct) =>
        {
            var granularity = AdminRequests.Query(http, "granularity").GetValueOrDefault("granularity", "hour") switch
            {
                "hour" => DashboardGranularity.Hour,
                "day" => DashboardGranularity.Day,
                _ => throw AdminProblems.Invalid("granularity is hour or day."),
            };
            return TypedResults.Ok(AdminModels.Dashboard(await statistics.GetAsync(http.RequireOperator(), granularity, ct)));
        });
        return group;
    }
}
