using System.CommandLine;
using System.Globalization;
using BankLink.Data.Customers;
using BankLink.Domain.Customers;
using BankLink.Domain.Time;
using BankLink.Server.Database;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>customers unlock|show</c>: the operator's side of 利用中止 (DOMAIN.md: "Only an operator can lift
/// it") until the operator console comes. Never prints a secret or a hash.
/// </summary>
internal static class CustomerCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("customers", "See a customer's login state and lift a stop (利用中止).");

        var unlockLogin = new Argument<string>("login-id") { Description = "The customer's login ID." };
        var reason = new Option<string>("--reason") { Description = "Why the stop is lifted (for example how the customer was identified); kept in the audit trail.", Required = true };
        var unlock = new Command("unlock", "Lift a customer's stop: status active, failure counter 0.") { TreatUnmatchedTokensAsErrors = false };
        unlock.Arguments.Add(unlockLogin);
        unlock.Options.Add(reason);
        unlock.SetAction((parse, ct) => guard(() => UnlockAsync([.. parse.UnmatchedTokens], parse.GetValue(unlockLogin)!, parse.GetValue(reason)!, ct)));
        command.Subcommands.Add(unlock);

        var showLogin = new Argument<string>("login-id") { Description = "The customer's login ID." };
        var show = new Command("show", "Show a customer's status, consecutive failures and OTP tokens.") { TreatUnmatchedTokensAsErrors = false };
        show.Arguments.Add(showLogin);
        show.SetAction((parse, ct) => guard(() => ShowAsync([.. parse.UnmatchedTokens], parse.GetValue(showLogin)!, ct)));
        command.Subcommands.Add(show);
        return command;
    }

    private static async Task<int> UnlockAsync(string[] args, string loginId, string reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            await Console.Error.WriteLineAsync("--reason must say why the stop is lifted.");
            return ExitCodes.InvalidArguments;
        }

        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var outcome = await host.Services.GetRequiredService<CustomerLockout>()
            .UnlockAsync(loginId, reason, $"{Environment.UserName} (command line)", cancellationToken);
        switch (outcome)
        {
            case UnlockOutcome.Unlocked:
                await Console.Out.WriteLineAsync($"Customer {loginId} is active again; the failure counter is 0.");
                return ExitCodes.Success;
            case UnlockOutcome.NotStopped:
                await Console.Error.WriteLineAsync($"Customer {loginId} is not stopped; nothing changed.");
                return ExitCodes.Refused;
            default:
                await Console.Error.WriteLineAsync($"No customer has the login ID '{loginId}'.");
                return ExitCodes.Refused;
        }
    }

    private static async Task<int> ShowAsync(string[] args, string loginId, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var state = await host.Services.GetRequiredService<CustomerLockout>().FindAsync(loginId, cancellationToken);
        if (state is null)
        {
            await Console.Error.WriteLineAsync($"No customer has the login ID '{loginId}'.");
            return ExitCodes.Refused;
        }

        var status = state.Status == CustomerStatus.Stopped
            ? $"stopped (利用中止) since {(state.StoppedAt is { } at ? JapanTimeText(at) : "an unknown time")}"
            : "active";
        await Console.Out.WriteLineAsync($"{state.LoginId}  customer number {state.CustomerNumber}");
        await Console.Out.WriteLineAsync($"  status: {status}");
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  consecutive failures: {state.ConsecutiveFailures}"));
        await Console.Out.WriteLineAsync($"  OTP tokens: {state.Devices.Count}");
        foreach (var device in state.Devices)
        {
            await Console.Out.WriteLineAsync(
                $"    {device.SerialNumber}  {device.Kind.ToString().ToLowerInvariant(),-8} {device.Status.ToString().ToLowerInvariant(),-8}"
                + $" registered {(device.RegisteredAt is { } r ? JapanTimeText(r) : "-")}, last used {(device.LastUsedAt is { } u ? JapanTimeText(u) : "never")}");
        }

        return ExitCodes.Success;
    }

    private static string JapanTimeText(DateTimeOffset instant) =>
        instant.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " JST";
}
