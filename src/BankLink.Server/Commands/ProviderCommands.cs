using System.CommandLine;
using System.Globalization;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Providers;
using static BankLink.Server.Commands.OperatorCommandRunner;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>providers list|show|suspend|reinstate</c> (issue 6 "Providers: list, details ..., suspend and reinstate").
/// Suspension kills every access token and unused code of the provider at once and is four-eyes by default: the
/// command then prints <c>pending approval ID</c>, and another operator approves it in the console or the admin API.
/// </summary>
internal static class ProviderCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("providers", "List providers, see one, suspend or reinstate it (every change with --reason).");

        var list = new Command("list", "Every provider: status, clients, active links.") { TreatUnmatchedTokensAsErrors = false };
        list.SetAction((parse, ct) => guard(() => ListAsync([.. parse.UnmatchedTokens], ct)));
        command.Subcommands.Add(list);

        var showRef = ProviderArgument();
        var show = new Command("show", "One provider: clients, chained recipients, active links, the last 24 hours' error rate, onboarding tokens.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        show.Arguments.Add(showRef);
        show.SetAction((parse, ct) => guard(() => ShowAsync([.. parse.UnmatchedTokens], parse.GetValue(showRef)!, ct)));
        command.Subcommands.Add(show);

        var suspendRef = ProviderArgument();
        var suspendReason = new Option<string>("--reason") { Description = "Why the provider is suspended. Kept in the audit trail (5 to 500 characters).", Required = true };
        var revokeRefresh = new Option<bool>("--revoke-refresh-tokens")
        {
            Description = "Also revoke every refresh token (the provider is compromised): after reinstatement each customer must consent again.",
        };
        var suspend = new Command("suspend", "Suspend a provider: its clients stop, every access token and unused code is revoked at once (four-eyes by default).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        suspend.Arguments.Add(suspendRef);
        suspend.Options.Add(suspendReason);
        suspend.Options.Add(revokeRefresh);
        suspend.SetAction((parse, ct) => guard(() => SuspendAsync(
            [.. parse.UnmatchedTokens], parse.GetValue(suspendRef)!, parse.GetValue(suspendReason)!, parse.GetValue(revokeRefresh), ct)));
        command.Subcommands.Add(suspend);

        var reinstateRef = ProviderArgument();
        var reinstateReason = new Option<string>("--reason") { Description = "Why the provider is reinstated. Kept in the audit trail (5 to 500 characters).", Required = true };
        var reinstate = new Command("reinstate", "Reinstate a suspended provider and the clients suspended with it.") { TreatUnmatchedTokensAsErrors = false };
        reinstate.Arguments.Add(reinstateRef);
        reinstate.Options.Add(reinstateReason);
        reinstate.SetAction((parse, ct) => guard(() => ReinstateAsync([.. parse.UnmatchedTokens], parse.GetValue(reinstateRef)!, parse.GetValue(reinstateReason)!, ct)));
        command.Subcommands.Add(reinstate);
        return command;
    }

    private static Argument<string> ProviderArgument() => new("provider") { Description = "The provider's id, or its exact English or Japanese name." };

    private static Task<int> ListAsync(string[] args, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var providers = await services.GetRequiredService<ProviderOperations>().ListAsync(actor, ct);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{providers.Count} provider(s):"));
            foreach (var p in providers)
            {
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {p.Id}  {Name(p.Status),-9} clients {p.ClientCount,3}  active links {p.ActiveLinkCount,6}  {p.Name} ({p.NameJa}){(p.IsSandbox ? "  sandbox" : "")}"));
            }

            return ExitCodes.Success;
        }, cancellationToken);

    private static Task<int> ShowAsync(string[] args, string reference, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var (id, _) = await ProviderAsync(services, reference, ct);
            var p = await services.GetRequiredService<ProviderOperations>().GetAsync(actor, id, ct);
            await Console.Out.WriteLineAsync($"{p.Name} ({p.NameJa})  {p.Id}");
            await Console.Out.WriteLineAsync($"  status: {Name(p.Status)}{(p.IsSandbox ? ", sandbox" : "")}; since {Time(p.CreatedAt)}{(p.Website is null ? "" : "; " + p.Website)}");
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  active links: {p.ActiveLinkCount}"));
            var requests = p.Traffic.Sum(t => t.Requests);
            var refusals = p.Traffic.Sum(t => t.Refusals);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  last 24 hours: {requests} request(s), {refusals} refused{(p.ErrorRate24h is { } rate ? $" ({rate:P1})" : "")}"));
            foreach (var reason in p.Traffic.SelectMany(t => t.RefusalsByReason).GroupBy(r => r.Key).Where(g => g.Sum(r => r.Value) > 0))
            {
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"    {Name(reason.Key)}: {reason.Sum(r => r.Value)}"));
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  clients: {p.Clients.Count}"));
            foreach (var c in p.Clients)
            {
                await Console.Out.WriteLineAsync(
                    $"    {c.ClientId}  {Name(c.Status),-9} {c.Profile}, registered {Time(c.RegisteredAt)} with {c.RegisteredWith}, last token {Time(c.LastTokenIssuedAt)}  {c.Name}");
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  chained recipients: {p.ChainedRecipients.Count}"));
            foreach (var r in p.ChainedRecipients)
            {
                await Console.Out.WriteLineAsync($"    {r.Id}  {r.Name} ({r.NameJa}): {r.Purpose}");
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  onboarding tokens: {p.OnboardingTokens.Count}"));
            foreach (var t in p.OnboardingTokens)
            {
                await Console.Out.WriteLineAsync("  " + OnboardingTokenCommands.Line(t));
            }

            return ExitCodes.Success;
        }, cancellationToken);

    private static Task<int> SuspendAsync(string[] args, string reference, string reason, bool revokeRefreshTokens, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var (id, name) = await ProviderAsync(services, reference, ct);
            var request = ProviderActionExecutor.SuspendProvider(id, revokeRefreshTokens,
                $"suspend provider {name} ({id}){(revokeRefreshTokens ? ", refresh tokens revoked too" : "")}");
            return await DispatchAsync(services, actor, request, reason, async result =>
            {
                if (result is not ProviderActionOutcome { Suspension: { } s })
                {
                    return;
                }

                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Provider {name} is suspended: {s.ClientsSuspended.Count} client(s) suspended, {s.AccessTokensRevoked} access token(s) and {s.AuthorizationCodesRevoked} code(s) revoked, {s.PushedRequestsRemoved} pushed request(s) removed."));
                await Console.Out.WriteLineAsync(revokeRefreshTokens
                    ? string.Create(CultureInfo.InvariantCulture, $"  {s.RefreshTokensRevoked} refresh token(s) revoked: after reinstatement each customer must consent again.")
                    : "  Refresh tokens are kept and refused while suspended; they work again after reinstatement.");
            }, ct);
        }, cancellationToken);

    private static Task<int> ReinstateAsync(string[] args, string reference, string reason, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var (id, name) = await ProviderAsync(services, reference, ct);
            return await DispatchAsync(services, actor, ProviderActionExecutor.ReinstateProvider(id, $"reinstate provider {name} ({id})"), reason,
                result => Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Provider {name} is active again with {(result as ProviderActionOutcome)?.ReinstatedClients?.Count ?? 0} client(s).")), ct);
        }, cancellationToken);
}
