using System.Globalization;
using BankLink.Domain.Time;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>The console's sections, in the order the navigation shows them.</summary>
public static class ConsoleNavigation
{
    public static readonly IReadOnlyList<(string Href, string Label)> Links =
    [
        ("/console", "Dashboard"),
        ("/console/customers", "Customers"),
        ("/console/providers", "Providers"),
        ("/console/onboarding-tokens", "Onboarding tokens"),
        ("/console/service-hours", "Service hours"),
        ("/console/audit", "Audit trail"),
        ("/console/approvals", "Approvals"),
        ("/console/operators", "Operators"),
    ];

    /// <summary>The dashboard is current on /console only; a section also on its sub-pages.</summary>
    public static bool IsCurrent(string path, string href) =>
        href == "/console"
            ? string.Equals(path.TrimEnd('/'), href, StringComparison.OrdinalIgnoreCase)
            : path.StartsWith(href, StringComparison.OrdinalIgnoreCase)
              && (path.Length == href.Length || path[href.Length] == '/');
}

/// <summary>How the console writes times: Japan time (DOMAIN.md), the same whatever the request's culture.</summary>
public static class ConsoleFormat
{
    public static string Time(DateTimeOffset? instant) =>
        instant is { } at ? at.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " JST" : "-";

    /// <summary>Local /console paths only: an open redirect would send staff to a look-alike login page.</summary>
    public static bool IsConsoleReturnUrl(string? url) =>
        url is { Length: > 0 and <= 2048 } && url.StartsWith("/console", StringComparison.Ordinal)
        && (url.Length == "/console".Length || url["/console".Length] is '/' or '?')
        && !url.Contains('\\', StringComparison.Ordinal) && !url.Contains("//", StringComparison.Ordinal)
        && !url.Any(char.IsControl);
}
