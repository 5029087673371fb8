using System.CommandLine;
using System.Globalization;
using BankLink.Data.Stores;
using BankLink.Domain.Providers;
using BankLink.Domain.Time;
using BankLink.Server.Database;
using Npgsql;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>onboarding-token issue|renew|revoke|list</c>: operators hand provider staff the tokens that open
/// client registration (DOMAIN.md "Provider onboarding tokens"). The token is printed once, to the
/// operator's terminal; BankLink keeps only its hash.
/// </summary>
internal static class OnboardingTokenCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("onboarding-token", "Issue, renew, revoke and list provider onboarding tokens.");

        var provider = new Option<string>("--provider") { Description = "The provider's id or exact name.", Required = true };
        var person = new Option<string>("--person") { Description = "The provider's staff member the token is for.", Required = true };
        var issue = new Command("issue", "Issue a token valid 60 days to a named person of a provider.") { TreatUnmatchedTokensAsErrors = false };
        issue.Options.Add(provider);
        issue.Options.Add(person);
        issue.SetAction((parse, ct) => guard(() => IssueAsync([.. parse.UnmatchedTokens], parse.GetValue(provider)!, parse.GetValue(person)!, ct)));
        command.Subcommands.Add(issue);

        var renewId = new Argument<string>("id") { Description = "The token's 8-character id (the part before '@')." };
        var renew = new Command("renew", "Issue a new token with a fresh 60 days in place of an expiring or expired one.") { TreatUnmatchedTokensAsErrors = false };
        renew.Arguments.Add(renewId);
        renew.SetAction((parse, ct) => guard(() => RenewAsync([.. parse.UnmatchedTokens], parse.GetValue(renewId)!, ct)));
        command.Subcommands.Add(renew);

        var revokeId = new Argument<string>("id") { Description = "The token's 8-character id." };
        var revoke = new Command("revoke", "Withdraw a token; clients already registered with it are not affected.") { TreatUnmatchedTokensAsErrors = false };
        revoke.Arguments.Add(revokeId);
        revoke.SetAction((parse, ct) => guard(() => RevokeAsync([.. parse.UnmatchedTokens], parse.GetValue(revokeId)!, ct)));
        command.Subcommands.Add(revoke);

        var listProvider = new Option<string>("--provider") { Description = "The provider's id or exact name.", Required = true };
        var list = new Command("list", "List a provider's tokens and their status (never the secrets).") { TreatUnmatchedTokensAsErrors = false };
        list.Options.Add(listProvider);
        list.SetAction((parse, ct) => guard(() => ListAsync([.. parse.UnmatchedTokens], parse.GetValue(listProvider)!, ct)));
        command.Subcommands.Add(list);
        return command;
    }

    private static async Task<int> IssueAsync(string[] args, string providerRef, string person, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var (providerId, providerName) = await ResolveProviderAsync(host.Services, providerRef, cancellationToken);
        var (token, issued) = await host.Services.GetRequiredService<OnboardingTokenStore>().IssueAsync(providerId, person, IssuedBy(), cancellationToken);
        await PrintTokenAsync($"Onboarding token for {issued.PersonName} of {providerName}:", token, issued);
        return ExitCodes.Success;
    }

    private static async Task<int> RenewAsync(string[] args, string id, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var (token, issued) = await host.Services.GetRequiredService<OnboardingTokenStore>().RenewAsync(id, IssuedBy(), cancellationToken);
        await PrintTokenAsync($"Onboarding token {id} renewed for {issued.PersonName}; {id} no longer works. The new token:", token, issued);
        return ExitCodes.Success;
    }

    private static async Task<int> RevokeAsync(string[] args, string id, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        await host.Services.GetRequiredService<OnboardingTokenStore>().RevokeAsync(id, cancellationToken);
        await Console.Out.WriteLineAsync($"Onboarding token {id} is revoked. Clients already registered with it keep working.");
        return ExitCodes.Success;
    }

    private static async Task<int> ListAsync(string[] args, string providerRef, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        var (providerId, providerName) = await ResolveProviderAsync(host.Services, providerRef, cancellationToken);
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var tokens = await host.Services.GetRequiredService<OnboardingTokenStore>().ListAsync(providerId, cancellationToken);
        await Console.Out.WriteLineAsync($"{tokens.Count} onboarding token(s) of {providerName}:");
        foreach (var t in tokens)
        {
            var state = t.Status != OnboardingTokenStatus.Active ? EnumNameOf(t.Status)
                : t.IsUsableAt(clock.GetUtcNow()) ? "valid" : "expired";
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {t.Id}  {state,-8} {t.PersonName}  issued {JapanDate(t.CreatedAt)}, expires {JapanDate(t.ExpiresAt)}, last used {(t.LastUsedAt is { } used ? JapanDate(used) : "never")}"));
        }

        return ExitCodes.Success;
    }

    /// <summary>The operator's own terminal is the one place the secret is ever shown.</summary>
    private static async Task PrintTokenAsync(string heading, OnboardingToken token, IssuedOnboardingToken issued)
    {
        await Console.Out.WriteLineAsync(heading);
        await Console.Out.WriteLineAsync();
        await Console.Out.WriteLineAsync("    " + token.Value);
        await Console.Out.WriteLineAsync();
        await Console.Out.WriteLineAsync($"Valid until {JapanDate(issued.ExpiresAt)} (Japan time). Give it to that person only: BankLink keeps only its hash and cannot show it again.");
    }

    private static async Task<(Guid Id, string Name)> ResolveProviderAsync(IServiceProvider services, string reference, CancellationToken cancellationToken)
    {
        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT id, name FROM providers WHERE id::text = $1 OR lower(name) = lower($1) OR lower(name_ja) = lower($1)");
        command.Parameters.AddWithValue(reference.Trim());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<(Guid, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add((reader.GetGuid(0), reader.GetString(1)));
        }

        return found.Count == 1 ? found[0] : throw new OnboardingTokenException(found.Count == 0
            ? $"No provider has the id or name '{reference}'."
            : $"More than one provider matches '{reference}'; use the provider's id.");
    }

    private static string IssuedBy() => $"{Environment.UserName} (command line)";

    private static string JapanDate(DateTimeOffset instant) =>
        instant.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string EnumNameOf(OnboardingTokenStatus status) => status.ToString().ToLowerInvariant();
}
