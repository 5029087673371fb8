using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Operations.ServiceHours;
using BankLink.Domain.Time;
using static BankLink.Server.Commands.OperatorCommandRunner;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>service-hours show|set|revert</c> (issue 6 "Service hours and maintenance windows: view and edit, with the next
/// closure shown"). The file <c>set</c> reads is the JSON <c>show --json</c> prints (the form BankLink stores): one
/// key per weekday (<c>"09:00-17:00"</c>, comma-separated ranges, or <c>"closed"</c>), <c>outsideHours</c>
/// (<c>refuse</c> or <c>serve_last_known</c>) and <c>maintenance</c> (a list of <c>start</c>, <c>end</c> with their
/// offset, and a printable-ASCII <c>reason</c> providers read on <c>GET /status</c>). Every problem of a file is
/// listed at once (exit 4) and nothing is saved.
/// </summary>
internal static partial class ServiceHoursCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("service-hours", "See and edit the bank's service hours and maintenance windows (every change with --reason).");

        var json = new Option<bool>("--json") { Description = "Print the hours in force as the JSON 'service-hours set' reads (to edit and save back)." };
        var show = new Command("show", "The hours in force, where they come from, whether the service is open now and the next closure.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        show.Options.Add(json);
        show.SetAction((parse, ct) => guard(() => ShowAsync([.. parse.UnmatchedTokens], parse.GetValue(json), ct)));
        command.Subcommands.Add(show);

        var file = new Argument<string>("file") { Description = "A JSON file as 'service-hours show --json' prints it." };
        var setReason = new Option<string>("--reason") { Description = "Why the hours change. Kept in the audit trail (5 to 500 characters).", Required = true };
        var set = new Command("set", "Save new service hours and maintenance windows; every node applies them within seconds.") { TreatUnmatchedTokensAsErrors = false };
        set.Arguments.Add(file);
        set.Options.Add(setReason);
        set.SetAction((parse, ct) => guard(() => SetAsync([.. parse.UnmatchedTokens], parse.GetValue(file)!, parse.GetValue(setReason)!, ct)));
        command.Subcommands.Add(set);

        var revertReason = new Option<string>("--reason") { Description = "Why the operators' hours are withdrawn. Kept in the audit trail (5 to 500 characters).", Required = true };
        var revert = new Command("revert", "Withdraw the operators' hours: the configured BankLink:ServiceHours apply again.") { TreatUnmatchedTokensAsErrors = false };
        revert.Options.Add(revertReason);
        revert.SetAction((parse, ct) => guard(() => RevertAsync([.. parse.UnmatchedTokens], parse.GetValue(revertReason)!, ct)));
        command.Subcommands.Add(revert);
        return command;
    }

    private static Task<int> ShowAsync(string[] args, bool json, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var view = await services.GetRequiredService<ServiceHoursOperations>().GetAsync(actor, ct);
            if (json)
            {
                await Console.Out.WriteLineAsync(view.Document.ToJson().ToJsonString(Indented));
                return ExitCodes.Success;
            }

            await PrintAsync(view);
            return ExitCodes.Success;
        }, cancellationToken);

    private static async Task<int> SetAsync(string[] args, string path, string reason, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return await InvalidAsync($"Cannot read {path}: {e.Message}");
        }

        var (document, problems) = Read(text);
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{path} cannot be saved ({problems.Count} problem(s)); nothing changed:");
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync("  " + problem);
            }

            return ExitCodes.Refused;
        }

        return await RunAsync(args, async (services, actor, ct) =>
        {
            var current = await services.GetRequiredService<ServiceHoursOperations>().GetAsync(actor, ct);
            return await DispatchAsync(services, actor, ProviderActionExecutor.SaveServiceHours(document!, current.Version), reason, async result =>
            {
                if (result is ProviderActionOutcome { ServiceHours: { } saved })
                {
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"Service hours saved (version {saved.Version}); every node applies them within {DatabaseServiceHours.RefreshInterval.TotalSeconds:0} seconds."));
                    await Console.Out.WriteLineAsync("  " + ServiceHoursOperations.Describe(saved.NextClosure));
                }
            }, ct);
        }, cancellationToken);
    }

    private static Task<int> RevertAsync(string[] args, string reason, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var current = await services.GetRequiredService<ServiceHoursOperations>().GetAsync(actor, ct);
            return await DispatchAsync(services, actor, ProviderActionExecutor.RevertServiceHours(current.Version), reason, async result =>
            {
                if (result is ProviderActionOutcome { ServiceHours: { } reverted })
                {
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"The configured service hours apply again (version {reverted.Version})."));
                    await Console.Out.WriteLineAsync("  " + ServiceHoursOperations.Describe(reverted.NextClosure));
                }
            }, ct);
        }, cancellationToken);

    private static async Task PrintAsync(ServiceHoursView view)
    {
        await Console.Out.WriteLineAsync(view.Origin == ServiceHoursOrigin.Operators
            ? string.Create(CultureInfo.InvariantCulture, $"Service hours set by operators (version {view.Version}, {Time(view.UpdatedAt)} by {view.UpdatedBy})")
            : string.Create(CultureInfo.InvariantCulture,
                $"Service hours from configuration (BankLink:ServiceHours; version {view.Version}{(view.UpdatedBy is null ? "" : $", last changed {Time(view.UpdatedAt)} by {view.UpdatedBy}")})"));
        await Console.Out.WriteLineAsync(view.StateNow.IsOpen
            ? "  now: open"
            : $"  now: closed ({Name(view.StateNow.Reason!.Value)}), opens {Time(view.StateNow.NextOpening, "not within a year")}");
        await Console.Out.WriteLineAsync("  " + ServiceHoursOperations.Describe(view.NextClosure));
        foreach (var day in ServiceHoursDocument.Week)
        {
            await Console.Out.WriteLineAsync($"  {day.ToString().ToLowerInvariant(),-10} {view.Document.Weekly[day]}");
        }

        await Console.Out.WriteLineAsync($"  outside hours: {(view.Document.OutsideHours == OutsideHoursPolicy.ServeLastKnown ? "serve_last_known" : "refuse")}");
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  upcoming maintenance: {view.UpcomingMaintenance.Count}"));
        foreach (var w in view.UpcomingMaintenance)
        {
            await Console.Out.WriteLineAsync($"    {Time(w.Start)} to {Time(w.End)}  {w.Reason}");
        }
    }

    /// <summary>
    /// Reads a document leniently, so that every problem is reported, not only the first: the file's own (not JSON,
    /// an unknown key, a time without its offset) and then <see cref="ServiceHoursOperations.Validate"/>'s.
    /// </summary>
    internal static (ServiceHoursDocument? Document, IReadOnlyList<string> Problems) Read(string text)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new JsonException("the file must hold one JSON object.");
        }
        catch (JsonException e)
        {
            return (null, [$"not a JSON object: {e.Message}"]);
        }

        var problems = new List<string>();
        var days = ServiceHoursDocument.Week.ToDictionary(d => d.ToString().ToLowerInvariant());
        var known = days.Keys.Concat(["outsideHours", "maintenance"]).ToList();
        foreach (var key in root.Select(p => p.Key).Where(k => !known.Contains(k, StringComparer.Ordinal)))
        {
            problems.Add($"'{key}' is no field (known: {string.Join(", ", known)}).");
        }

        var weekly = new Dictionary<DayOfWeek, string>();
        foreach (var (name, day) in days)
        {
            switch (root[name])
            {
                case null:
                    break;
                case JsonValue v when v.TryGetValue<string>(out var hours):
                    weekly[day] = hours;
                    break;
                default:
                    problems.Add($"{name}: a text such as \"09:00-17:00\" or \"closed\".");
                    weekly[day] = "closed";
                    break;
            }
        }

        var outside = OutsideHoursPolicy.Refuse;
        switch (root["outsideHours"])
        {
            case JsonValue v when v.TryGetValue<string>(out var policy) && policy is "refuse" or "serve_last_known":
                outside = policy == "refuse" ? OutsideHoursPolicy.Refuse : OutsideHoursPolicy.ServeLastKnown;
                break;
            default:
                problems.Add("outsideHours: refuse or serve_last_known.");
                break;
        }

        var windows = new List<MaintenanceWindow>();
        switch (root["maintenance"])
        {
            case null:
                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not JsonObject w)
                    {
                        problems.Add($"maintenance[{i}]: an object with start, end and reason.");
                        continue;
                    }

                    var start = Instant(w["start"], $"maintenance[{i}].start", problems);
                    var end = Instant(w["end"], $"maintenance[{i}].end", problems);
                    var reason = w["reason"] is JsonValue r && r.TryGetValue<string>(out var why) ? why : "";
                    windows.Add(new MaintenanceWindow(start, end, reason));
                }

                break;
            default:
                problems.Add("maintenance: a list of {\"start\", \"end\", \"reason\"}.");
                break;
        }

        var document = new ServiceHoursDocument(weekly, windows, outside);
        problems.AddRange(ServiceHoursOperations.Validate(document));
        return (problems.Count == 0 ? document : null, problems);
    }

    /// <summary>An instant with its offset (<c>2026-12-01T01:00:00+09:00</c>): without one, it would depend on the machine's zone.</summary>
    private static DateTimeOffset Instant(JsonNode? node, string field, List<string> problems)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var text) && WithOffset().IsMatch(text.Trim())
            && DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return at;
        }

        // The document's own check then says "give a start and an end" for this window; say why here.
        problems.Add($"{field}: a date and time with its offset, such as 2026-12-01T01:00:00+09:00.");
        return default;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex WithOffset();
}
