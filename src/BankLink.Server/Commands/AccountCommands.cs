using System.CommandLine;
using System.Globalization;
using BankLink.CoreBanking;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Accounts;
using static BankLink.Server.Commands.OperatorCommandRunner;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>accounts record-state ACCOUNT_ID --state closed|frozen --reason</c>: an operator records an account's closure
/// (解約) or stop (凍結) (issue 6; DOMAIN.md "How links end"): the account leaves every permission naming it at once,
/// and a permission left with no account ends. The account's holder is found through the core banking system, as the
/// operation needs the customer.
/// </summary>
internal static class AccountCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("accounts", "Record an account's closure or stop.");
        var account = new Argument<string>("account-id") { Description = "The account's id (from 'customers show'), never its number." };
        var state = new Option<string>("--state") { Description = "closed (解約) or frozen (凍結).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (the branch's notice, for example). Kept in the audit trail (5 to 500 characters).", Required = true };
        var record = new Command("record-state", "Record an account as closed or frozen: it leaves every link at once; a link left with no account ends.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        record.Arguments.Add(account);
        record.Options.Add(state);
        record.Options.Add(reason);
        record.SetAction((parse, ct) => guard(() => RecordStateAsync(
            [.. parse.UnmatchedTokens], parse.GetValue(account)!, parse.GetValue(state)!, parse.GetValue(reason)!, ct)));
        command.Subcommands.Add(record);
        return command;
    }

    private static async Task<int> RecordStateAsync(string[] args, string account, string state, string reason, CancellationToken cancellationToken)
    {
        if (!TryId(account, out var accountId))
        {
            return await InvalidAsync("ACCOUNT_ID must be the account's id (a UUID, from 'customers show'), not its number.");
        }

        AccountStatus newStatus;
        switch (state.Trim().ToLowerInvariant())
        {
            case "closed":
                newStatus = AccountStatus.Closed;
                break;
            case "frozen":
                newStatus = AccountStatus.Frozen;
                break;
            default:
                return await InvalidAsync("--state must be closed or frozen.");
        }

        return await RunAsync(args, async (services, actor, ct) =>
        {
            var holder = await services.GetRequiredService<ICoreBankingGateway>().GetAccountAsync(accountId, ct)
                ?? throw new OperationRefusedException("not_found", $"The core knows no account with the id {accountId}.");
            var customers = await services.GetRequiredService<CustomerDirectory>().SearchAsync(actor, CustomerSearchBy.CustomerNumber, holder.CustomerNumber, ct);
            if (customers.Count != 1)
            {
                throw new OperationRefusedException("not_found", $"No BankLink customer holds account {accountId}: no link can name it, nothing to record.");
            }

            var customer = customers[0];
            var request = CustomerActionExecutor.RecordAccountClosure(customer.Id, accountId, newStatus,
                $"account {accountId} ({AccountNumbers.Mask(holder.AccountNumber)}) of customer {customer.LoginId}: {Name(newStatus)}");
            return await DispatchAsync(services, actor, request, reason, async result =>
            {
                if (result is not CustomerActionOutcome { Account: { } recorded })
                {
                    return;
                }

                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Account {accountId} of customer {customer.LoginId} recorded as {Name(recorded.NewStatus)}"
                    + $"{(recorded.CoreUpdated ? " (the demo ledger too)" : "")}: {recorded.LinksChanged.Count} link(s) lost it, {recorded.LinksEnded.Count} of them ended."));
                foreach (var ended in recorded.LinksEnded)
                {
                    await Console.Out.WriteLineAsync($"  ended: {ended}");
                }
            }, ct);
        }, cancellationToken);
    }
}
