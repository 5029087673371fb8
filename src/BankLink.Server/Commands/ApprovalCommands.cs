using System.CommandLine;
using System.Globalization;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Operations.ServiceHours;
using BankLink.Domain.Operators;
using static BankLink.Server.Commands.OperatorCommandRunner;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>approvals list|approve|reject</c>: the four-eyes queue (issue 6 "the four-eyes rule applies where the bank
/// configures it"). Approving executes the action at once, as the approver, through <see cref="OperatorActions"/>.
/// </summary>
/// <remarks>
/// Every command acts as <c>command:USER</c> (<see cref="OperatorActor.Command"/>), and the queue refuses an approval
/// by the operator who asked (<c>same_operator</c>, exit 4). A request made by a command is therefore approved by
/// another operator in the console or the admin API (or by a command run by a different machine user); a request made
/// in the console or the API can be approved here. The requester may reject (withdraw) their own request.
/// </remarks>
internal static class ApprovalCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("approvals", "Four-eyes requests: list them, approve (the action runs at once) or reject them.");

        var list = new Command("list", "The requests waiting for a second operator, newest first.") { TreatUnmatchedTokensAsErrors = false };
        list.SetAction((parse, ct) => guard(() => ListAsync([.. parse.UnmatchedTokens], ct)));
        command.Subcommands.Add(list);

        var approveId = new Argument<string>("id") { Description = "The request's id (from 'approvals list' or 'pending approval ID')." };
        var approveReason = new Option<string>("--reason") { Description = "Why you approve it. Kept in the audit trail (5 to 500 characters).", Required = true };
        var approve = new Command("approve", "Approve another operator's request: the action runs now, as you.") { TreatUnmatchedTokensAsErrors = false };
        approve.Arguments.Add(approveId);
        approve.Options.Add(approveReason);
        approve.SetAction((parse, ct) => guard(() => DecideAsync([.. parse.UnmatchedTokens], parse.GetValue(approveId)!, parse.GetValue(approveReason)!, approve: true, ct)));
        command.Subcommands.Add(approve);

        var rejectId = new Argument<string>("id") { Description = "The request's id." };
        var rejectReason = new Option<string>("--reason") { Description = "Why you reject it. Kept in the audit trail (5 to 500 characters).", Required = true };
        var reject = new Command("reject", "Reject a request (or withdraw your own): nothing is done.") { TreatUnmatchedTokensAsErrors = false };
        reject.Arguments.Add(rejectId);
        reject.Options.Add(rejectReason);
        reject.SetAction((parse, ct) => guard(() => DecideAsync([.. parse.UnmatchedTokens], parse.GetValue(rejectId)!, parse.GetValue(rejectReason)!, approve: false, ct)));
        command.Subcommands.Add(reject);
        return command;
    }

    private static Task<int> ListAsync(string[] args, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var pending = await services.GetRequiredService<FourEyesQueue>().ListPendingAsync(actor, ct);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{pending.Count} request(s) waiting for approval:"));
            foreach (var p in pending)
            {
                await Console.Out.WriteLineAsync($"  {p.Id}  {p.Action} ({p.RequiredRole.ToName()} role): {p.Target}");
                await Console.Out.WriteLineAsync($"    asked by {p.RequestedBy} at {Time(p.RequestedAt)}, expires {Time(p.ExpiresAt)}; reason: {p.Reason}");
            }

            return ExitCodes.Success;
        }, cancellationToken);

    private static async Task<int> DecideAsync(string[] args, string id, string reason, bool approve, CancellationToken cancellationToken)
    {
        if (!TryId(id, out var requestId))
        {
            return await InvalidAsync("ID must be the request's id (a UUID, from 'approvals list').");
        }

        return await RunAsync(args, async (services, actor, ct) =>
        {
            var actions = services.GetRequiredService<OperatorActions>();
            if (!approve)
            {
                await actions.RejectAsync(actor, requestId, reason, ct);
                await Console.Out.WriteLineAsync($"Request {requestId} is rejected; nothing was done.");
                return ExitCodes.Success;
            }

            var outcome = await actions.ApproveAsync(actor, requestId, reason, ct);
            await Console.Out.WriteLineAsync($"Request {requestId} is approved and done.");
            await DescribeAsync(outcome.Result);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>What an approved action did, in a line or two; an onboarding token made by it is shown here once (the approver hands it over).</summary>
    private static async Task DescribeAsync(object? result)
    {
        switch (result)
        {
            case CustomerActionOutcome { Links: { } links }:
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {links.LinksRevoked.Count} link(s) ended, {links.LinksReduced.Count} link(s) lost an account."));
                break;
            case CustomerActionOutcome { OtpToken: { } token }:
                await Console.Out.WriteLineAsync($"  OTP token {token.SerialNumber} deregistered{(token.CustomerCannotLogIn ? "; the customer has no active token left" : "")}.");
                break;
            case CustomerActionOutcome { Account: { } account }:
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  Account {account.AccountId} recorded as {Name(account.NewStatus)}: {account.LinksChanged.Count} link(s) lost it, {account.LinksEnded.Count} ended."));
                break;
            case CustomerActionOutcome { Action: OperatorActionNames.LiftStop }:
                await Console.Out.WriteLineAsync("  The customer is active again; the failure counter is 0.");
                break;
            case ProviderActionOutcome { Suspension: { } s }:
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  Provider suspended: {s.ClientsSuspended.Count} client(s), {s.AccessTokensRevoked} access token(s) and {s.AuthorizationCodesRevoked} code(s) revoked, {s.RefreshTokensRevoked} refresh token(s) revoked."));
                break;
            case ProviderActionOutcome { ReinstatedClients: { } clients }:
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  Provider active again with {clients.Count} client(s)."));
                break;
            case ProviderActionOutcome { IssuedToken: { } issued }:
                await Console.Out.WriteLineAsync($"  Onboarding token for {issued.View.PersonName}, valid until {Time(issued.View.ExpiresAt)}. Shown this once (BankLink keeps only its hash):");
                await Console.Out.WriteLineAsync();
                await Console.Out.WriteLineAsync("    " + issued.Value);
                await Console.Out.WriteLineAsync();
                break;
            case ProviderActionOutcome { Token: { } revoked }:
                await Console.Out.WriteLineAsync($"  Onboarding token {revoked.Id} is {Name(revoked.State)}.");
                break;
            case ProviderActionOutcome { ServiceHours: { } hours }:
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  Service hours version {hours.Version}. ") + ServiceHoursOperations.Describe(hours.NextClosure));
                break;
            case ProviderActionOutcome { Action: OperatorActionNames.EditChainedRecipients } recipient:
                await Console.Out.WriteLineAsync(recipient.Recipient is { } r ? $"  Chained recipient {r.Id} {r.Name} ({r.NameJa}) saved." : "  Chained recipient removed.");
                break;
        }
    }
}
