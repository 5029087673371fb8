using System.CommandLine;
using System.Globalization;
using BankLink.Data.Audit;
using BankLink.Server.Database;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>audit verify</c>: walks every audit chain and recomputes its hashes (ARCHITECTURE.md "a command verifies the
/// chain"). Exit 0 when the trail is intact; <see cref="ExitCodes.AuditTrailBroken"/> naming each broken chain's
/// first bad row otherwise, so a scheduled job can alert on it.
/// </summary>
internal static class AuditCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("audit", "Check the audit trail.");
        var verify = new Command("verify", "Verify every hash chain of the audit trail; non-zero exit with the chain and row when one is broken.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        verify.SetAction((parse, ct) => guard(() => VerifyAsync([.. parse.UnmatchedTokens], ct)));
        command.Subcommands.Add(verify);
        return command;
    }

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
}
