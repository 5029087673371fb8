using System.Globalization;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Operations.ServiceHours;
using BankLink.Domain.Operators;
using BankLink.Domain.Time;
using Microsoft.AspNetCore.Mvc;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// The bank's service hours (DOMAIN.md "Service hours and data freshness"; issue 6): the weekly hours, what is open now,
/// the next closure and the planned maintenance windows (any role); edit them or go back to the configured hours
/// (admin). The form keeps what was typed when it is refused, and names each field at fault beside it.
/// </summary>
/// <remarks>
/// Maintenance windows are typed one per line, <c>start, end, reason</c>, with times in Japan time
/// (<c>2026-12-31 21:00</c>) or with an offset (<c>2026-12-31T21:00+09:00</c>); the reason is what providers read on
/// <c>GET /status</c>, so it is printable ASCII.
/// </remarks>
public sealed class ConsoleServiceHoursModel(ServiceHoursOperations serviceHours, OperatorActions actions) : ConsolePageModel
{
    private const string LocalFormat = "yyyy-MM-dd HH:mm";

    private static readonly string[] LocalFormats = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss"];

    private static readonly string[] OffsetFormats = ["yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd HH:mmzzz", "yyyy-MM-dd HH:mm:sszzz"];

    [BindProperty(Name = "version")]
    public long? Version { get; set; }

    [BindProperty(Name = "maintenance")]
    public string? MaintenanceText { get; set; }

    [BindProperty(Name = "outside_hours")]
    public string? OutsideHoursText { get; set; }

    public ServiceHoursView? Hours { get; private set; }

    /// <summary>What the edit form shows per weekday: the hours in force, or what was typed when the form was refused.</summary>
    public Dictionary<DayOfWeek, string> WeeklyInput { get; } = [];

    /// <summary>Problems per form field (<c>monday</c> … <c>sunday</c>, <c>maintenance</c>, <c>outside_hours</c>).</summary>
    public Dictionary<string, List<string>> FieldErrors { get; } = new(StringComparer.Ordinal);

    public bool CanManage => Allows(OperatorRole.Admin);

    public bool NeedsApproval(string action) => actions.RequiresApproval(action);

    public override string? Done => DoneCode switch
    {
        "saved" => "The service hours were saved. This node applies them at once, every other node within seconds.",
        "reverted" => "The configured service hours (BankLink:ServiceHours) apply again.",
        _ => null,
    };

    public static string FieldOf(DayOfWeek day) => day.ToString().ToLowerInvariant();

    public static string Local(DateTimeOffset instant) => instant.ToOffset(JapanTime.Offset).ToString(LocalFormat, CultureInfo.InvariantCulture);

    public async Task OnGetAsync() => await LoadAsync(fillForm: true);

    public Task<IActionResult> OnPostSaveAsync()
    {
        var document = ReadForm();

        // The role first: a viewer learns nothing from the validation of a form it may not send.
        if (Allows(OperatorRole.Admin) && (FieldErrors.Count > 0 || document is null))
        {
            return ShowAsync(StatusCodes.Status400BadRequest, "The service hours were not saved: correct the fields marked below.", () => LoadAsync(fillForm: false));
        }

        return ChangeAsync(OperatorRole.Admin, "/console/service-hours", "saved",
            (actor, reason) => actions.RunAsync(actor, ProviderActionExecutor.SaveServiceHours(document!, Version ?? -1), reason, Aborted),
            () => LoadAsync(fillForm: false));
    }

    public Task<IActionResult> OnPostRevertAsync()
    {
        return ChangeAsync(OperatorRole.Admin, "/console/service-hours", "reverted",
            (actor, reason) => actions.RunAsync(actor, ProviderActionExecutor.RevertServiceHours(Version ?? -1), reason, Aborted),
            () => LoadAsync(fillForm: false));
    }

    /// <summary>The document the form describes, or null; every problem is put beside its field.</summary>
    private ServiceHoursDocument? ReadForm()
    {
        var weekly = new Dictionary<DayOfWeek, string>();
        foreach (var day in ServiceHoursDocument.Week)
        {
            var text = OneLine(Request.Form[FieldOf(day)].ToString())?.Trim() ?? "";
            WeeklyInput[day] = text;
            if (text.Length == 0)
            {
                AddError(FieldOf(day), "Write the hours (for example 09:00-17:00), or 'closed' for a closed day.");
            }

            weekly[day] = text;
        }

        var windows = new List<MaintenanceWindow>();
        var lineOfWindow = new List<int>();
        var lines = (MaintenanceText ?? "").Split('\n').Select(l => l.Trim()).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var parts = lines[i].Split(',', 3, StringSplitOptions.TrimEntries);
            if (parts.Length < 3)
            {
                AddError("maintenance", $"Line {i + 1}: write start, end, reason (for example 2026-12-31 21:00, 2027-01-01 06:00, year-end core maintenance).");
                continue;
            }

            if (ParseInstant(parts[0]) is not { } start || ParseInstant(parts[1]) is not { } end)
            {
                AddError("maintenance", $"Line {i + 1}: times are YYYY-MM-DD HH:MM in Japan time.");
                continue;
            }

            windows.Add(new MaintenanceWindow(start, end, parts[2]));
            lineOfWindow.Add(i + 1);
        }

        var outside = OutsideHoursText switch
        {
            "serve_last_known" => OutsideHoursPolicy.ServeLastKnown,
            "refuse" or null => OutsideHoursPolicy.Refuse,
            _ => (OutsideHoursPolicy)(-1),
        };

        var document = new ServiceHoursDocument(weekly, windows, outside);
        foreach (var problem in ServiceHoursOperations.Validate(document))
        {
            var field = problem.Split(':', 2)[0];
            if (ServiceHoursDocument.Week.Any(d => FieldOf(d) == field))
            {
                if (!FieldErrors.ContainsKey(field))
                {
                    var message = problem[(field.Length + 1)..].Trim();
                    AddError(field, message.Length == 0 ? problem : char.ToUpperInvariant(message[0]) + message[1..]);
                }
            }
            else if (field.StartsWith("maintenance", StringComparison.Ordinal))
            {
                // maintenance[i]: … names the i-th window read: said as the line the operator typed it on.
                AddError("maintenance", Renumber(problem, lineOfWindow));
            }
            else
            {
                AddError("outside_hours", "Choose refuse or serve last-known data.");
            }
        }

        return FieldErrors.Count == 0 ? document : null;
    }

    private static string Renumber(string problem, List<int> lineOfWindow)
    {
        var open = problem.IndexOf('[', StringComparison.Ordinal);
        var close = problem.IndexOf(']', StringComparison.Ordinal);
        if (open < 0 || close < open || !int.TryParse(problem[(open + 1)..close], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= lineOfWindow.Count)
        {
            return problem;
        }

        var rest = problem[(close + 1)..].TrimStart('.', ' ');
        return $"Line {lineOfWindow[index]}{(rest.StartsWith("reason", StringComparison.Ordinal) ? ", reason" : "")}: {rest.Split(':', 2)[^1].Trim()}";
    }

    private static DateTimeOffset? ParseInstant(string text)
    {
        if (DateTimeOffset.TryParseExact(text, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
        {
            return withOffset;
        }

        return DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, JapanTime.Offset)
            : null;
    }

    private void AddError(string field, string message)
    {
        if (!FieldErrors.TryGetValue(field, out var list))
        {
            FieldErrors[field] = list = [];
        }

        list.Add(message);
    }

    private async Task LoadAsync(bool fillForm)
    {
        Hours = await serviceHours.GetAsync(Operator, Aborted);
        if (fillForm || WeeklyInput.Count == 0)
        {
            foreach (var day in ServiceHoursDocument.Week)
            {
                WeeklyInput[day] = Hours.Document.Weekly.GetValueOrDefault(day, "closed");
            }

            MaintenanceText = string.Join('\n', Hours.Document.Maintenance.Select(w => $"{Local(w.Start)}, {Local(w.End)}, {w.Reason}"));
            OutsideHoursText = Hours.Document.OutsideHours == OutsideHoursPolicy.ServeLastKnown ? "serve_last_known" : "refuse";
        }

        Version ??= Hours.Version;
    }
}
