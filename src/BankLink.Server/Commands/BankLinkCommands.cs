using System.CommandLine;
using BankLink.Data;
using BankLink.Data.Migrations;
using BankLink.Data.Postgres;

namespace BankLink.Server.Commands;

/// <summary>
/// The binary's command line (System.CommandLine): no command runs the server; <c>migrate</c> and
/// <c>seed-demo</c> run operator tasks against the same configuration. Tokens the parser does not know
/// (such as <c>--urls</c> or <c>--ConnectionStrings:BankLink=...</c>) go on to ASP.NET Core's configuration.
/// </summary>
public static class BankLinkCommands
{
    public static async Task<int> InvokeAsync(string[] args, Func<string[], Task<int>> runServer)
    {
        ArgumentNullException.ThrowIfNull(runServer);
        var root = new RootCommand("BankLink: the bank's OAuth 2.0 / OpenID Connect authorization server and account-data API for API linking.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((parse, _) => UnknownCommand(parse.UnmatchedTokens) is { } unknown
            ? Refuse($"Unknown command '{unknown}'. Commands: migrate, seed-demo, onboarding-token, signing-keys, audit, otp-devices, customers, accounts, providers, service-hours, approvals, operators (see --help).")
            : Guard(() => runServer([.. parse.UnmatchedTokens])));

        var migrate = new Command("migrate", "Apply pending schema migration scripts, then exit. Production runs this as its own step before new nodes start.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        migrate.SetAction((parse, cancellationToken) => Guard(() => MigrateCommand.RunAsync([.. parse.UnmatchedTokens], cancellationToken)));
        root.Subcommands.Add(migrate);

        var customers = new Option<int?>("--customers")
        {
            Description = $"Also generate this many synthetic customers with 13 months of history, for benchmarks (1..{BankLink.DemoBank.BulkSeeder.MaxCustomers:N0}).",
        };
        var seed = new Command("seed-demo", "Load the documented sandbox bank (idempotent); with --customers, also bulk synthetic customers.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        seed.Options.Add(customers);
        seed.SetAction((parse, cancellationToken) =>
            Guard(() => SeedDemoCommand.RunAsync([.. parse.UnmatchedTokens], parse.GetValue(customers), cancellationToken)));
        root.Subcommands.Add(seed);

        root.Subcommands.Add(OnboardingTokenCommands.Create(Guard));
        root.Subcommands.Add(SigningKeyCommands.Create(Guard));
        root.Subcommands.Add(AuditCommands.Create(Guard));
        root.Subcommands.Add(OtpDeviceCommands.Create(Guard));
        root.Subcommands.Add(CustomerCommands.Create(Guard));
        root.Subcommands.Add(OperatorCommands.Create(Guard));
        root.Subcommands.Add(AccountCommands.Create(Guard));
        root.Subcommands.Add(ProviderCommands.Create(Guard));
        root.Subcommands.Add(ServiceHoursCommands.Create(Guard));
        root.Subcommands.Add(ApprovalCommands.Create(Guard));

        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            return await Refuse(string.Join(Environment.NewLine, parse.Errors.Select(e => e.Message)));
        }

        // Ctrl+C is left to the host (graceful shutdown stops the embedded PostgreSQL) and to the commands.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
    }

    /// <summary>
    /// The server takes only configuration switches (<c>--key=value</c> or <c>--key value</c>); a bare word
    /// that is not a switch's value is a mistyped command, which must not start a server.
    /// </summary>
    private static string? UnknownCommand(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var takesValue = i > 0 && tokens[i - 1].StartsWith("--", StringComparison.Ordinal) && !tokens[i - 1].Contains('=', StringComparison.Ordinal);
            if (!tokens[i].StartsWith('-') && !takesValue)
            {
                return tokens[i];
            }
        }

        return null;
    }

    private static async Task<int> Refuse(string message)
    {
        await Console.Error.WriteLineAsync(message);
        return ExitCodes.InvalidArguments;
    }

    /// <summary>Turns the failures an operator can act on into one clear message and a meaningful exit code.</summary>
    private static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is MigrationScriptEditedException or MigrationOutOfOrderException or SchemaNotCurrentException)
        {
            await Console.Error.WriteLineAsync("BankLink cannot use this database: " + e.Message);
            return ExitCodes.SchemaRefused;
        }
        catch (PostgresBinariesNotFoundException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.PostgresMissing;
        }
        catch (BankLink.Data.Stores.OnboardingTokenException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.Refused;
        }
        catch (StartupConfigurationException e)
        {
            await Console.Error.WriteLineAsync("BankLink cannot start: " + e.Message);
            return ExitCodes.ConfigurationInvalid;
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is "customers")
        {
            await Console.Error.WriteLineAsync($"--customers must be between 1 and {BankLink.DemoBank.BulkSeeder.MaxCustomers:N0}.");
            return ExitCodes.InvalidArguments;
        }
    }
}
