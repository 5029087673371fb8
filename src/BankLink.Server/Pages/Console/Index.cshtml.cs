using System.Globalization;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Dashboard;
using BankLink.Domain.Operators;
using BankLink.Domain.Time;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// The console's start page: who is logged in, and the dashboard (issue 6): tokens issued, active links, refusals by
/// reason and lockouts per hour over 48 hours or per day over 30 days, drawn as inline SVG with the figures in a table
/// under each chart.
/// </summary>
public sealed class ConsoleIndexModel(DashboardStatistics statistics) : PageModel
{
    public OperatorActor Operator { get; private set; } = null!;

    public string DisplayName { get; private set; } = "";

    /// <summary><c>hour</c> (the default) or <c>day</c>.</summary>
    [BindProperty(Name = "view", SupportsGet = true)]
    public string? View { get; set; }

    public DashboardGranularity Granularity => string.Equals(View, "day", StringComparison.OrdinalIgnoreCase) ? DashboardGranularity.Day : DashboardGranularity.Hour;

    public DashboardSeries Series { get; private set; } = null!;

    /// <summary>The refusal reasons in the order the stacked chart draws them, with their words and colour classes.</summary>
    public static IReadOnlyList<(RefusalReason Reason, string Name, string ColourClass)> Reasons { get; } =
    [
        (RefusalReason.Expired, "expired", "s0"),
        (RefusalReason.Revoked, "revoked", "s1"),
        (RefusalReason.WrongSender, "wrong sender", "s2"),
        (RefusalReason.ConsentEnded, "consent ended", "s3"),
        (RefusalReason.Other, "other", "s4"),
    ];

    public string RoleExplanation => Operator.Role switch
    {
        OperatorRole.Admin => "Admins also manage providers, onboarding tokens, service hours and operators.",
        OperatorRole.Operator => "Operators can also revoke links, lift stops, deregister OTP tokens and record account events.",
        _ => "Viewers can look things up but change nothing.",
    };

    public async Task OnGetAsync()
    {
        Operator = HttpContext.RequireOperator();
        DisplayName = HttpContext.GetOperatorDisplayName() ?? Operator.LoginId;
        Series = await statistics.GetAsync(Operator, Granularity, HttpContext.RequestAborted);
    }

    /// <summary>A bucket's full name for titles and the table, in Japan time.</summary>
    public string Label(DashboardBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        var start = bucket.Start.ToOffset(JapanTime.Offset);
        var text = Granularity == DashboardGranularity.Day
            ? (bucket.JapanDate ?? DateOnly.FromDateTime(start.DateTime)).ToString("yyyy-MM-dd (ddd)", CultureInfo.InvariantCulture)
            : start.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture);
        return bucket.IsCurrent ? text + " (so far)" : text;
    }

    /// <summary>The x axis's labels: every sixth hour (the date at midnight) or every fifth day, and the last bar.</summary>
    public IReadOnlyList<string?> AxisLabels()
    {
        var buckets = Series.Buckets;
        return [.. buckets.Select((b, i) =>
        {
            var start = b.Start.ToOffset(JapanTime.Offset);
            if (Granularity == DashboardGranularity.Day)
            {
                return (buckets.Count - 1 - i) % 5 == 0 ? start.ToString("MM-dd", CultureInfo.InvariantCulture) : null;
            }

            return start.Hour % 6 != 0 ? null
                : start.Hour == 0 ? start.ToString("MM-dd", CultureInfo.InvariantCulture)
                : start.ToString("HH:00", CultureInfo.InvariantCulture);
        })];
    }

    public IReadOnlyList<string> Labels() => [.. Series.Buckets.Select(Label)];

    public string XTitle => Granularity == DashboardGranularity.Day ? "Day (Japan time), last 30 days" : "Hour (Japan time), last 48 hours";
}
