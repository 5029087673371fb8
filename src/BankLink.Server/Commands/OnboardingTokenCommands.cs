using System.CommandLine;
using System.Globalization;
using BankLink.Data.Operations;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.Providers;
using BankLink.Domain.Time;
using static BankLink.Server.Commands.OperatorCommandRunner;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>onboarding-token issue|renew|revoke|list</c>: operators hand provider staff the tokens that open client
/// registration (DOMAIN.md "Provider onboarding tokens"). Changes go through <see cref="OperatorActions"/> with a
/// reason and are audited (<c>onboarding_token_issued|renewed|revoked</c>, never the secret). The token is printed
/// once, to the operator's terminal; BankLink keeps only its hash. When the bank puts issuing or renewing under
/// four-eyes, the token is made when another operator approves, and that operator sees it.
/// </summary>
internal static class OnboardingTokenCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("onboarding-token", "Issue, renew, revoke and list provider onboarding tokens (every change with --reason).");

        var provider = new Option<string>("--provider") { Description = "The provider's id or exact name.", Required = true };
        var person = new Option<string>("--person") { Description = "The provider's staff member the token is for.", Required = true };
        var issueReason = ReasonOption("Why the person gets a token (the provider's request, for example).");
        var issue = new Command("issue", "Issue a token valid 60 days to a named person of a provider.") { TreatUnmatchedTokensAsErrors = false };
        issue.Options.Add(provider);
        issue.Options.Add(person);
        issue.Options.Add(issueReason);
        issue.SetAction((parse, ct) => guard(() => IssueAsync(
            [.. parse.UnmatchedTokens], parse.GetValue(provider)!, parse.GetValue(person)!, parse.GetValue(issueReason)!, ct)));
        command.Subcommands.Add(issue);

        var renewId = new Argument<string>("id") { Description = "The token's 8-character id (the part before '@')." };
        var renewReason = ReasonOption("Why the token is renewed.");
        var renew = new Command("renew", "Issue a new token with a fresh 60 days in place of an expiring or expired one.") { TreatUnmatchedTokensAsErrors = false };
        renew.Arguments.Add(renewId);
        renew.Options.Add(renewReason);
        renew.SetAction((parse, ct) => guard(() => RenewAsync([.. parse.UnmatchedTokens], parse.GetValue(renewId)!, parse.GetValue(renewReason)!, ct)));
        command.Subcommands.Add(renew);

        var revokeId = new Argument<string>("id") { Description = "The token's 8-character id." };
        var revokeReason = ReasonOption("Why the token is withdrawn.");
        var revoke = new Command("revoke", "Withdraw a token; clients already registered with it are not affected.") { TreatUnmatchedTokensAsErrors = false };
        revoke.Arguments.Add(revokeId);
        revoke.Options.Add(revokeReason);
        revoke.SetAction((parse, ct) => guard(() => RevokeAsync([.. parse.UnmatchedTokens], parse.GetValue(revokeId)!, parse.GetValue(revokeReason)!, ct)));
        command.Subcommands.Add(revoke);

        var listProvider = new Option<string>("--provider") { Description = "The provider's id or exact name.", Required = true };
        var list = new Command("list", "List a provider's tokens and their state: valid, used, expired, renewed, revoked (never the secrets).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        list.Options.Add(listProvider);
        list.SetAction((parse, ct) => guard(() => ListAsync([.. parse.UnmatchedTokens], parse.GetValue(listProvider)!, ct)));
        command.Subcommands.Add(list);
        return command;
    }

    private static Option<string> ReasonOption(string why) => new("--reason") { Description = why + " Kept in the audit trail (5 to 500 characters).", Required = true };

    /// <summary>One token as the list prints it: <c>  ID  STATE    PERSON  issued ..., expires ..., ...</c> (the id first, then its state).</summary>
    internal static string Line(OnboardingTokenView t) => string.Create(CultureInfo.InvariantCulture,
        $"  {t.Id}  {Name(t.State),-8} {t.PersonName}  issued {Time(t.CreatedAt)} by {t.IssuedBy}, expires {Time(t.ExpiresAt)}, used {t.UseCount} time(s), last used {Time(t.LastUsedAt)}{(t.RenewedTo is { } next ? ", renewed as " + next : "")}");

    private static Task<int> IssueAsync(string[] args, string providerRef, string person, string reason, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var (providerId, providerName) = await ProviderAsync(services, providerRef, ct);
            var request = ProviderActionExecutor.IssueOnboardingToken(providerId, person, $"onboarding token for {person.Trim()} of provider {providerName}");
            return await DispatchAsync(services, actor, request, reason, async result =>
            {
                if (result is ProviderActionOutcome { IssuedToken: { } issued })
                {
                    await PrintTokenAsync($"Onboarding token for {issued.View.PersonName} of {providerName}:", issued);
                }
            }, ct);
        }, cancellationToken);

    private static Task<int> RenewAsync(string[] args, string id, string reason, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var token = id.Trim();
            return await DispatchAsync(services, actor, ProviderActionExecutor.RenewOnboardingToken(token), reason, async result =>
            {
                if (result is ProviderActionOutcome { IssuedToken: { } issued })
                {
                    await PrintTokenAsync($"Onboarding token {token} renewed for {issued.View.PersonName}; {token} no longer works. The new token:", issued);
                }
            }, ct);
        }, cancellationToken);

    private static Task<int> RevokeAsync(string[] args, string id, string reason, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var token = id.Trim();
            return await DispatchAsync(services, actor, ProviderActionExecutor.RevokeOnboardingToken(token), reason,
                _ => Console.Out.WriteLineAsync($"Onboarding token {token} is revoked. Clients already registered with it keep working."), ct);
        }, cancellationToken);

    private static Task<int> ListAsync(string[] args, string providerRef, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var (providerId, providerName) = await ProviderAsync(services, providerRef, ct);
            var tokens = await services.GetRequiredService<OnboardingTokenOperations>().ListAsync(actor, providerId, ct);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{tokens.Count} onboarding token(s) of {providerName}:"));
            foreach (var t in tokens)
            {
                await Console.Out.WriteLineAsync(Line(t));
            }

            return ExitCodes.Success;
        }, cancellationToken);

    /// <summary>The operator's own terminal is the one place the secret is ever shown.</summary>
    private static async Task PrintTokenAsync(string heading, IssuedOnboardingTokenSecret issued)
    {
        await Console.Out.WriteLineAsync(heading);
        await Console.Out.WriteLineAsync();
        await Console.Out.WriteLineAsync("    " + issued.Value);
        await Console.Out.WriteLineAsync();
        await Console.Out.WriteLineAsync(
            $"Valid until {issued.View.ExpiresAt.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} (Japan time). "
            + "Give it to that person only: BankLink keeps only its hash and cannot show it again.");
    }
}
