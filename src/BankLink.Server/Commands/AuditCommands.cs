using System.CommandLine;
using System.Globalization;
using System.Text;
using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Audit;
using BankLink.Domain.Time;
using BankLink.Server.Database;
using static BankLink.Server.Commands.OperatorCommandRunner;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>audit verify</c>: walks every audit chain and recomputes its hashes (ARCHITECTURE.md "a command verifies the
/// chain"). Exit 0 when the trail is intact; <see cref="ExitCodes.AuditTrailBroken"/> naming each broken chain's
/// first bad row otherwise, so a scheduled job can alert on it.
/// <c>audit export</c>: the filtered trail as CSV (issue 6 "filter by customer, provider, account, operator, event type
/// and time; CSV export"), through <see cref="AuditSearch"/>, which records the export itself as <c>audit_exported</c>.
/// </summary>
internal static class AuditCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("audit", "Check and export the audit trail.");
        var verify = new Command("verify", "Verify every hash chain of the audit trail; non-zero exit with the chain and row when one is broken.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        verify.SetAction((parse, ct) => guard(() => VerifyAsync([.. parse.UnmatchedTokens], ct)));
        command.Subcommands.Add(verify);
        command.Subcommands.Add(Export(guard));
        return command;
    }

    private static Command Export(Func<Func<Task<int>>, Task<int>> guard)
    {
        var output = new Option<string>("--out") { Description = "The CSV file to write (UTF-8 with BOM, CRLF, RFC 4180); it must not exist yet.", Required = true };
        var customer = new Option<string?>("--customer") { Description = "Only events of the customer with this login ID." };
        var provider = new Option<string?>("--provider") { Description = "Only events of this provider (id or exact name)." };
        var account = new Option<string?>("--account") { Description = "Only events naming this account id (from 'customers show')." };
        var operatorLogin = new Option<string?>("--operator") { Description = "Only events done by this operator login ID (commands: command:USER)." };
        var types = new Option<string[]>("--type") { Description = "Only these event types (repeat the option or separate with commas).", AllowMultipleArgumentsPerToken = false };
        var from = new Option<string?>("--from") { Description = "From this date (Japan time, inclusive) or date and time with offset." };
        var to = new Option<string?>("--to") { Description = "Up to this date (Japan time, the whole day included) or date and time with offset (exclusive)." };
        var dataReads = new Option<bool>("--include-data-reads") { Description = "Also the resource API's per-read data_read events (left out unless --type names them)." };
        var export = new Command("export", $"Write the audit trail's events matching the filters to a CSV file, newest first (at most {AuditSearch.MaxExportRows:N0}).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var option in new Option[] { output, customer, provider, account, operatorLogin, types, from, to, dataReads })
        {
            export.Options.Add(option);
        }

        export.SetAction((parse, ct) => guard(() => ExportAsync([.. parse.UnmatchedTokens], new ExportFilter(
            parse.GetValue(output)!, parse.GetValue(customer), parse.GetValue(provider), parse.GetValue(account), parse.GetValue(operatorLogin),
            parse.GetValue(types) ?? [], parse.GetValue(from), parse.GetValue(to), parse.GetValue(dataReads)), ct)));
        return export;
    }

    private sealed record ExportFilter(
        string Out, string? Customer, string? Provider, string? Account, string? Operator, string[] Types, string? From, string? To, bool DataReads);

    private static async Task<int> VerifyAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var result = await host.Services.GetRequiredService<AuditVerifier>().VerifyAsync(cancellationToken);
        if (result.IsIntact)
        {
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Audit trail intact: {result.ChainsChecked} chains, {result.EventsChecked:N0} events verified."));
            return ExitCodes.Success;
        }

        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Audit trail BROKEN in {result.Breaks.Count} of {result.ChainsChecked} chains ({result.EventsChecked:N0} events read):"));
        foreach (var broken in result.Breaks)
        {
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  chain {broken.Chain}, row {(broken.EventId is { } id ? id.ToString(CultureInfo.InvariantCulture) : "(none)")}, seq {broken.Seq}: {broken.Reason}"));
        }

        return ExitCodes.AuditTrailBroken;
    }

    private static async Task<int> ExportAsync(string[] args, ExportFilter filter, CancellationToken cancellationToken)
    {
        Guid? accountId = null;
        if (filter.Account is { } accountText)
        {
            if (!TryId(accountText, out var id))
            {
                return await InvalidAsync("--account must be an account id (a UUID, from 'customers show'), not its number.");
            }

            accountId = id;
        }

        if (!TryInstant(filter.From, endOfDay: false, out var from) || !TryInstant(filter.To, endOfDay: true, out var to))
        {
            return await InvalidAsync("--from and --to take a date (2026-11-01, Japan time) or a date and time with its offset (2026-11-01T09:00:00+09:00).");
        }

        var types = filter.Types.SelectMany(t => t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
        var path = Path.GetFullPath(filter.Out);
        if (File.Exists(path) || Directory.Exists(path))
        {
            await Console.Error.WriteLineAsync($"{path} exists already; nothing written. Name a new file.");
            return ExitCodes.Refused;
        }

        return await RunAsync(args, async (services, actor, ct) =>
        {
            var query = new AuditQuery
            {
                CustomerId = filter.Customer is { } login ? (await CustomerAsync(services, actor, login, ct)).Id : null,
                ProviderId = filter.Provider is { } reference ? (await ProviderAsync(services, reference, ct)).Id : null,
                AccountId = accountId,
                OperatorLoginId = filter.Operator,
                EventTypes = types.Count > 0 ? types : null,
                IncludeDataReads = filter.DataReads,
                // Npgsql writes timestamptz parameters in UTC only.
                From = from?.ToUniversalTime(),
                To = to?.ToUniversalTime(),
            };

            // The file is made before the export is recorded, so an export that cannot be written is refused before it is audited.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // The trail names customers and operators: readable by the one who exported it only.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var rows = 0L;
            var created = false;
            var complete = false;
            try
            {
                await using (var writer = new StreamWriter(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
                {
                    created = true;
                    var export = await services.GetRequiredService<AuditSearch>().BeginCsvExportAsync(actor, query, ct);
                    await foreach (var line in export.ReadLinesAsync(ct))
                    {
                        await writer.WriteAsync(line);
                        rows++;
                    }

                    complete = true;
                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Exported {rows - 1:N0} event(s) to {path}, newest first."));
                    if (export.Truncated)
                    {
                        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"The filter matched more than {AuditSearch.MaxExportRows:N0} events: only the newest are in the file. Narrow it (--to, --type) and export the rest."));
                    }
                }
            }
            finally
            {
                if (created && !complete)
                {
                    File.Delete(path);
                }
            }

            return ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>A date alone is a Japan day: its start for --from, the next day's start for --to (so the day is included).</summary>
    private static bool TryInstant(string? text, bool endOfDay, out DateTimeOffset? instant)
    {
        instant = null;
        if (text is null)
        {
            return true;
        }

        var trimmed = text.Trim();
        if (DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            instant = JapanTime.StartOfDay(endOfDay ? day.AddDays(1) : day);
            return true;
        }

        if (trimmed.Length > 10 && (trimmed.EndsWith('Z') || trimmed[^6] is '+' or '-')
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            instant = at;
            return true;
        }

        return false;
    }
}
