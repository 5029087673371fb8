using System.Globalization;
using System.Text.Json.Nodes;
using BankLink.Domain.Time;
using Schedule = BankLink.Domain.Time.ServiceHours;

namespace BankLink.Data.Operations.ServiceHours;

/// <summary>
/// The bank's service hours as operators edit them: each weekday's open ranges in Japan time, in the syntax of
/// <c>BankLink:ServiceHours</c> (<c>HH:mm-HH:mm</c>, comma-separated, end exclusive, <c>24:00</c> allowed; <c>closed</c>
/// or empty for a closed day), the planned maintenance windows and what the resource API does while closed.
/// </summary>
public sealed record ServiceHoursDocument(
    IReadOnlyDictionary<DayOfWeek, string> Weekly,
    IReadOnlyList<MaintenanceWindow> Maintenance,
    OutsideHoursPolicy OutsideHours)
{
    public const int MaxMaintenanceWindows = 100;
    public const int MaxRangesPerDay = 8;
    public const int MaxReasonLength = 200;

    /// <summary>Monday first, as the console and <c>GET /status</c> show the week.</summary>
    public static IReadOnlyList<DayOfWeek> Week { get; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    /// <summary>The same settings as configuration holds them (an admin API may bind the configuration's JSON shape).</summary>
    public static ServiceHoursDocument FromOptions(ServiceHoursOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ServiceHoursDocument(
            Week.ToDictionary(d => d, options.HoursOf),
            [.. options.Maintenance.Select(w => new MaintenanceWindow(w.Start, w.End, w.Reason))],
            options.OutsideHours);
    }

    /// <summary>What a schedule in force says, as a document (the configured hours, to show or to start an edit from).</summary>
    public static ServiceHoursDocument FromSchedule(Schedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new ServiceHoursDocument(
            Week.ToDictionary(d => d, d => FormatDay(schedule.HoursOn(d))),
            [.. schedule.Maintenance],
            schedule.OutsideHours);
    }

    /// <summary>What is wrong with the document, each naming its field; empty when it can be saved.</summary>
    public static IReadOnlyList<string> Problems(ServiceHoursDocument? document)
    {
        if (document is null)
        {
            return ["The service hours document is missing."];
        }

        var problems = new List<string>();
        foreach (var day in Week)
        {
            var name = day.ToString().ToLowerInvariant();
            if (document.Weekly is null || !document.Weekly.TryGetValue(day, out var text))
            {
                problems.Add($"{name}: give the day's hours (or 'closed').");
                continue;
            }

            if (Schedule.ParseDay(text) is not { } ranges)
            {
                problems.Add($"{name}: must be comma-separated HH:mm-HH:mm ranges (end after start, at most 24:00), or 'closed'.");
            }
            else if (ranges.Count > MaxRangesPerDay)
            {
                problems.Add($"{name}: at most {MaxRangesPerDay} ranges a day.");
            }
            else if (ranges.OrderBy(r => r.StartMinute).Zip(ranges.OrderBy(r => r.StartMinute).Skip(1)).Any(p => p.Second.StartMinute < p.First.EndMinute))
            {
                problems.Add($"{name}: ranges overlap.");
            }
        }

        var windows = document.Maintenance ?? [];
        if (windows.Count > MaxMaintenanceWindows)
        {
            problems.Add($"maintenance: at most {MaxMaintenanceWindows} windows; remove ended ones.");
        }

        for (var i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            if (window is null || window.Start == default || window.End == default)
            {
                problems.Add($"maintenance[{i}]: give a start and an end.");
                continue;
            }

            if (window.End <= window.Start)
            {
                problems.Add($"maintenance[{i}]: must end after it starts.");
            }

            var reason = window.Reason?.Trim() ?? "";
            if (reason.Length is < 1 or > MaxReasonLength || reason.Any(c => c is < ' ' or > '~'))
            {
                problems.Add($"maintenance[{i}].reason: printable ASCII, 1 to {MaxReasonLength} characters (providers read it on GET /status).");
            }
        }

        if (!Enum.IsDefined(document.OutsideHours))
        {
            problems.Add("outsideHours: refuse or serve_last_known.");
        }

        return problems;
    }

    /// <summary>The document in its one stored form: ranges sorted, closed days 'closed', windows by start in Japan time, reasons trimmed.</summary>
    public ServiceHoursDocument Normalize()
    {
        if (Problems(this).Count > 0)
        {
            throw new InvalidOperationException("Only a valid service hours document is normalised.");
        }

        return new ServiceHoursDocument(
            Week.ToDictionary(d => d, d => FormatDay(Schedule.ParseDay(Weekly[d])!.OrderBy(r => r.StartMinute).ToList())),
            [.. Maintenance.OrderBy(w => w.Start).ThenBy(w => w.End)
                .Select(w => new MaintenanceWindow(w.Start.ToOffset(JapanTime.Offset), w.End.ToOffset(JapanTime.Offset), w.Reason.Trim()))],
            OutsideHours);
    }

    /// <summary>The schedule this (valid) document describes.</summary>
    public Schedule ToSchedule() => new(
        Week.ToDictionary(d => d, d => Schedule.ParseDay(Weekly[d])!),
        Maintenance,
        OutsideHours);

    /// <summary>The stored JSON (also the audit trail's before and after).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var day in Week)
        {
            json[day.ToString().ToLowerInvariant()] = Weekly[day];
        }

        json["outsideHours"] = OutsideHours == OutsideHoursPolicy.ServeLastKnown ? "serve_last_known" : "refuse";
        json["maintenance"] = new JsonArray([.. Maintenance.Select(w => (JsonNode)new JsonObject
        {
            ["start"] = w.Start.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["end"] = w.End.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["reason"] = w.Reason,
        })]);
        return json;
    }

    /// <summary>Reads the stored JSON; throws <see cref="FormatException"/> when it is not one this class wrote.</summary>
    public static ServiceHoursDocument FromJson(string json)
    {
        try
        {
            var root = JsonNode.Parse(json)!.AsObject();
            var outside = (string?)root["outsideHours"] switch
            {
                "refuse" => OutsideHoursPolicy.Refuse,
                "serve_last_known" => OutsideHoursPolicy.ServeLastKnown,
                var other => throw new FormatException($"outsideHours '{other}' is unknown."),
            };
            var document = new ServiceHoursDocument(
                Week.ToDictionary(d => d, d => (string?)root[d.ToString().ToLowerInvariant()] ?? throw new FormatException($"{d} is missing.")),
                [.. root["maintenance"]!.AsArray().Select(w => new MaintenanceWindow(
                    DateTimeOffset.Parse((string)w!["start"]!, CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse((string)w["end"]!, CultureInfo.InvariantCulture),
                    (string)w["reason"]!))],
                outside);
            return Problems(document) is [var problem, ..] ? throw new FormatException(problem) : document;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or ArgumentException)
        {
            throw new FormatException("The stored service hours document cannot be read: " + e.Message, e);
        }
    }

    /// <summary>Same days, windows and policy (the dictionaries and lists compared by content).</summary>
    public bool SameAs(ServiceHoursDocument other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return OutsideHours == other.OutsideHours
            && Week.All(d => Weekly.GetValueOrDefault(d) == other.Weekly.GetValueOrDefault(d))
            && Maintenance.SequenceEqual(other.Maintenance);
    }

    private static string FormatDay(IReadOnlyList<DailyRange> ranges) =>
        ranges.Count == 0 ? "closed" : string.Join(",", ranges.Select(r => r.ToString()));
}
