using System.CommandLine;
using System.Globalization;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Customers;
using static BankLink.Server.Commands.OperatorCommandRunner;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>customers find|show|unlock|revoke-link|remove-account|revoke-all|deregister-token</c>: the operator's customer
/// page (issue 6 "Find a customer ... revoke one link, one account of a link, or all links; lift a stop; deregister an
/// OTP token") on the command line. Reads go through <see cref="CustomerDirectory"/>; every change goes through
/// <see cref="OperatorActions"/> with a reason, so four-eyes applies as in the console. Never prints a secret or a hash.
/// </summary>
internal static class CustomerCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("customers", "Find a customer, see their links, tokens and login state, and act on them (every change with --reason).");
        command.Subcommands.Add(Find(guard));
        command.Subcommands.Add(Show(guard));
        command.Subcommands.Add(Unlock(guard));
        command.Subcommands.Add(RevokeLink(guard));
        command.Subcommands.Add(RemoveAccount(guard));
        command.Subcommands.Add(RevokeAll(guard));
        command.Subcommands.Add(DeregisterToken(guard));
        return command;
    }

    private static Argument<string> LoginArgument() => new("login-id") { Description = "The customer's login ID." };

    private static Option<string> ReasonOption(string why) => new("--reason") { Description = why + " Kept in the audit trail (5 to 500 characters).", Required = true };

    private static Command Find(Func<Func<Task<int>>, Task<int>> guard)
    {
        var login = new Option<string?>("--login-id") { Description = "The login ID, exactly (case does not matter)." };
        var number = new Option<string?>("--customer-number") { Description = "The customer number (顧客番号), exactly." };
        var account = new Option<string?>("--account-number") { Description = "An account number: 7 digits, optionally after the 3-digit branch code (001-0123456)." };
        var find = new Command("find", "Find customers by exactly one of login ID, customer number or account number.") { TreatUnmatchedTokensAsErrors = false };
        find.Options.Add(login);
        find.Options.Add(number);
        find.Options.Add(account);
        find.SetAction((parse, ct) => guard(() => FindAsync([.. parse.UnmatchedTokens], parse.GetValue(login), parse.GetValue(number), parse.GetValue(account), ct)));
        return find;
    }

    private static Command Show(Func<Func<Task<int>>, Task<int>> guard)
    {
        var login = LoginArgument();
        var show = new Command("show", "Show a customer's status, failures, OTP tokens, registration, accounts, links and recent security events.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        show.Arguments.Add(login);
        show.SetAction((parse, ct) => guard(() => ShowAsync([.. parse.UnmatchedTokens], parse.GetValue(login)!, ct)));
        return show;
    }

    private static Command Unlock(Func<Func<Task<int>>, Task<int>> guard)
    {
        var login = LoginArgument();
        var reason = ReasonOption("Why the stop is lifted (for example how the customer was identified).");
        var unlock = new Command("unlock", "Lift a customer's stop (利用中止): status active, failure counter 0.") { TreatUnmatchedTokensAsErrors = false };
        unlock.Arguments.Add(login);
        unlock.Options.Add(reason);
        unlock.SetAction((parse, ct) => guard(() => UnlockAsync([.. parse.UnmatchedTokens], parse.GetValue(login)!, parse.GetValue(reason)!, ct)));
        return unlock;
    }

    private static Command RevokeLink(Func<Func<Task<int>>, Task<int>> guard)
    {
        var login = LoginArgument();
        var grant = new Argument<string>("grant-id") { Description = "The link's id (from 'customers show')." };
        var reason = ReasonOption("Why the link is revoked.");
        var revoke = new Command("revoke-link", "End one of the customer's links; every token of it stops at once.") { TreatUnmatchedTokensAsErrors = false };
        revoke.Arguments.Add(login);
        revoke.Arguments.Add(grant);
        revoke.Options.Add(reason);
        revoke.SetAction((parse, ct) => guard(() => RevokeLinkAsync([.. parse.UnmatchedTokens], parse.GetValue(login)!, parse.GetValue(grant)!, parse.GetValue(reason)!, ct)));
        return revoke;
    }

    private static Command RemoveAccount(Func<Func<Task<int>>, Task<int>> guard)
    {
        var login = LoginArgument();
        var grant = new Argument<string>("grant-id") { Description = "The link's id (from 'customers show')." };
        var account = new Argument<string>("account-id") { Description = "The account's id (from 'customers show'), never its number." };
        var reason = ReasonOption("Why the account leaves the link.");
        var remove = new Command("remove-account", "Take one account out of one link; a link left with no account ends with its tokens.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        remove.Arguments.Add(login);
        remove.Arguments.Add(grant);
        remove.Arguments.Add(account);
        remove.Options.Add(reason);
        remove.SetAction((parse, ct) => guard(() => RemoveAccountAsync(
            [.. parse.UnmatchedTokens], parse.GetValue(login)!, parse.GetValue(grant)!, parse.GetValue(account)!, parse.GetValue(reason)!, ct)));
        return remove;
    }

    private static Command RevokeAll(Func<Func<Task<int>>, Task<int>> guard)
    {
        var login = LoginArgument();
        var reason = ReasonOption("Why every link of the customer ends (fraud reported, customer deceased).");
        var revokeAll = new Command("revoke-all", "End every active link of the customer with all their tokens (four-eyes by default).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        revokeAll.Arguments.Add(login);
        revokeAll.Options.Add(reason);
        revokeAll.SetAction((parse, ct) => guard(() => RevokeAllAsync([.. parse.UnmatchedTokens], parse.GetValue(login)!, parse.GetValue(reason)!, ct)));
        return revokeAll;
    }

    private static Command DeregisterToken(Func<Func<Task<int>>, Task<int>> guard)
    {
        var login = LoginArgument();
        var serial = new Argument<string>("serial") { Description = "The token's serial number (10 digits)." };
        var reason = ReasonOption("Why the token is deregistered (lost phone, stolen device).");
        var deregister = new Command("deregister-token", "Retire one of the customer's OTP tokens at once, even the last one.") { TreatUnmatchedTokensAsErrors = false };
        deregister.Arguments.Add(login);
        deregister.Arguments.Add(serial);
        deregister.Options.Add(reason);
        deregister.SetAction((parse, ct) => guard(() => DeregisterTokenAsync(
            [.. parse.UnmatchedTokens], parse.GetValue(login)!, parse.GetValue(serial)!, parse.GetValue(reason)!, ct)));
        return deregister;
    }

    private static async Task<int> FindAsync(string[] args, string? loginId, string? customerNumber, string? accountNumber, CancellationToken cancellationToken)
    {
        var given = new (CustomerSearchBy By, string? Term)[] { (CustomerSearchBy.LoginId, loginId), (CustomerSearchBy.CustomerNumber, customerNumber), (CustomerSearchBy.AccountNumber, accountNumber) }
            .Where(g => g.Term is not null).ToList();
        if (given.Count != 1)
        {
            return await InvalidAsync("Give exactly one of --login-id, --customer-number, --account-number.");
        }

        return await RunAsync(args, async (services, actor, ct) =>
        {
            var found = await services.GetRequiredService<CustomerDirectory>().SearchAsync(actor, given[0].By, given[0].Term, ct);
            if (found.Count == 0)
            {
                await Console.Error.WriteLineAsync("No customer matches.");
                return ExitCodes.Refused;
            }

            foreach (var c in found)
            {
                await Console.Out.WriteLineAsync($"{c.LoginId,-20} customer number {c.CustomerNumber,-10} {Name(c.Status),-8} {c.DisplayName} ({c.DisplayNameKana})");
            }

            return ExitCodes.Success;
        }, cancellationToken);
    }

    private static Task<int> ShowAsync(string[] args, string loginId, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var customer = await CustomerAsync(services, actor, loginId, ct);
            var view = await services.GetRequiredService<CustomerDirectory>().GetOverviewAsync(actor, customer.Id, ct);
            await PrintOverviewAsync(view);
            return ExitCodes.Success;
        }, cancellationToken);

    private static async Task<int> UnlockAsync(string[] args, string loginId, string reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return await InvalidAsync("--reason must say why the stop is lifted.");
        }

        return await RunAsync(args, async (services, actor, ct) =>
        {
            // Looked up first, as before this command went through the operator actions: an unknown or active customer is refused (exit 4).
            var customer = await CustomerAsync(services, actor, loginId, ct);
            if (customer.Status != CustomerStatus.Stopped)
            {
                await Console.Error.WriteLineAsync($"Customer {loginId} is not stopped; nothing changed.");
                return ExitCodes.Refused;
            }

            return await DispatchAsync(services, actor, CustomerActionExecutor.LiftStop(customer.Id, $"lift the stop of customer {customer.LoginId}"), reason,
                _ => Console.Out.WriteLineAsync($"Customer {loginId} is active again; the failure counter is 0."), ct);
        }, cancellationToken);
    }

    private static async Task<int> RevokeLinkAsync(string[] args, string loginId, string grant, string reason, CancellationToken cancellationToken)
    {
        if (!TryId(grant, out var grantId))
        {
            return await InvalidAsync("GRANT_ID must be the link's id (a UUID, from 'customers show').");
        }

        return await RunAsync(args, async (services, actor, ct) =>
        {
            var customer = await CustomerAsync(services, actor, loginId, ct);
            return await DispatchAsync(services, actor, CustomerActionExecutor.RevokeLink(customer.Id, grantId, $"link {grantId} of customer {customer.LoginId}"), reason,
                _ => Console.Out.WriteLineAsync($"Link {grantId} of customer {customer.LoginId} is revoked; its tokens no longer work."), ct);
        }, cancellationToken);
    }

    private static async Task<int> RemoveAccountAsync(string[] args, string loginId, string grant, string account, string reason, CancellationToken cancellationToken)
    {
        if (!TryId(grant, out var grantId) || !TryId(account, out var accountId))
        {
            return await InvalidAsync("GRANT_ID and ACCOUNT_ID must be ids (UUIDs, from 'customers show').");
        }

        return await RunAsync(args, async (services, actor, ct) =>
        {
            var customer = await CustomerAsync(services, actor, loginId, ct);
            var request = CustomerActionExecutor.RemoveLinkAccount(customer.Id, grantId, accountId, $"account {accountId} of link {grantId} of customer {customer.LoginId}");
            return await DispatchAsync(services, actor, request, reason, result => Console.Out.WriteLineAsync(
                result is CustomerActionOutcome { Links.LinksRevoked.Count: > 0 }
                    ? $"Account {accountId} left link {grantId}; it was the link's last account, so the link ended and its tokens no longer work."
                    : $"Account {accountId} left link {grantId}; the link goes on with its other accounts."), ct);
        }, cancellationToken);
    }

    private static Task<int> RevokeAllAsync(string[] args, string loginId, string reason, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var customer = await CustomerAsync(services, actor, loginId, ct);
            return await DispatchAsync(services, actor, CustomerActionExecutor.RevokeAllLinks(customer.Id, $"all links of customer {customer.LoginId}"), reason,
                async result =>
                {
                    var revoked = result is CustomerActionOutcome { Links: { } links } ? links.LinksRevoked : [];
                    if (revoked.Count == 0)
                    {
                        await Console.Out.WriteLineAsync($"Customer {customer.LoginId} has no active link; nothing changed.");
                        return;
                    }

                    await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{revoked.Count} link(s) of customer {customer.LoginId} revoked; their tokens no longer work:"));
                    foreach (var id in revoked)
                    {
                        await Console.Out.WriteLineAsync($"  {id}");
                    }
                }, ct);
        }, cancellationToken);

    private static Task<int> DeregisterTokenAsync(string[] args, string loginId, string serial, string reason, CancellationToken cancellationToken) =>
        RunAsync(args, async (services, actor, ct) =>
        {
            var customer = await CustomerAsync(services, actor, loginId, ct);
            var request = CustomerActionExecutor.DeregisterOtpToken(customer.Id, serial.Trim(), $"OTP token {serial.Trim()} of customer {customer.LoginId}");
            return await DispatchAsync(services, actor, request, reason, async result =>
            {
                if (result is not CustomerActionOutcome { OtpToken: { } token })
                {
                    return;
                }

                await Console.Out.WriteLineAsync($"OTP token {token.SerialNumber} ({token.WasStatus}) of customer {customer.LoginId} is deregistered.");
                if (token.CustomerCannotLogIn)
                {
                    await Console.Out.WriteLineAsync("  The customer has no active token left and cannot log in until a new token is registered.");
                }
            }, ct);
        }, cancellationToken);

    /// <summary>
    /// The first lines are what this command printed before the console came (status, failures, tokens); scripts that
    /// read them keep working. Ids are printed in full: they are what revoke-link, remove-account and accounts record-state take.
    /// </summary>
    private static async Task PrintOverviewAsync(CustomerOverview view)
    {
        var c = view.Customer;
        var status = c.Status == CustomerStatus.Stopped ? $"stopped (利用中止) since {Time(view.StoppedAt, "an unknown time")}" : "active";
        await Console.Out.WriteLineAsync($"{c.LoginId}  customer number {c.CustomerNumber}");
        await Console.Out.WriteLineAsync($"  status: {status}");
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  consecutive failures: {view.ConsecutiveFailures}"));
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  OTP tokens: {view.OtpDevices.Count}"));
        foreach (var device in view.OtpDevices)
        {
            await Console.Out.WriteLineAsync(
                $"    {device.SerialNumber}  {device.Kind.ToString().ToLowerInvariant(),-8} {device.Status.ToString().ToLowerInvariant(),-8}"
                + $" registered {Time(device.RegisteredAt, "-")}, last used {Time(device.LastUsedAt)}");
        }

        await Console.Out.WriteLineAsync($"  name: {c.DisplayName} ({c.DisplayNameKana}), customer since {Time(view.CreatedAt)}{(view.IsSynthetic ? ", synthetic" : "")}");
        var registration = view.Registration;
        await Console.Out.WriteLineAsync(registration.State == RegistrationState.None
            ? "  registration for linking: none"
            : string.Create(CultureInfo.InvariantCulture,
                $"  registration for linking: {Name(registration.State)}, terms {registration.TermsVersion}, accepted {Time(registration.AcceptedAt)}, expires {Time(registration.ExpiresAt)}, {registration.Accounts.Count} account(s) registered"));

        await Console.Out.WriteLineAsync(view.CoreAvailable
            ? string.Create(CultureInfo.InvariantCulture, $"  accounts: {view.Accounts.Count}")
            : "  accounts: the core banking system could not be asked; links show account ids only");
        foreach (var account in view.Accounts)
        {
            await Console.Out.WriteLineAsync("    " + AccountText(account));
        }

        await PrintLinksAsync("active links", view.ActiveLinks);
        await PrintLinksAsync($"links ended in the last {CustomerDirectory.EndedLinksWindow.TotalDays:0} days", view.EndedLinks);

        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  recent security events: {view.RecentEvents.Count}"));
        foreach (var e in view.RecentEvents)
        {
            var provider = e.ProviderName is null ? "" : $"  {e.ProviderName}";
            await Console.Out.WriteLineAsync($"    {Time(e.OccurredAt)}  {e.EventType,-24} by {e.ActorKind}{(e.ActorId is null ? "" : ":" + e.ActorId)}{provider}");
        }
    }

    private static async Task PrintLinksAsync(string heading, IReadOnlyList<OverviewLink> links)
    {
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {heading}: {links.Count}"));
        foreach (var link in links)
        {
            await Console.Out.WriteLineAsync($"    {link.GrantId}  {link.ProviderName} ({link.ProviderNameJa}), client {link.ClientName} [{link.ClientId}]");
            await Console.Out.WriteLineAsync(
                $"      functions {string.Join(", ", link.Functions.Select(Name))}; granted {Time(link.GrantedAt)}, expires {Time(link.ExpiresAt)}, last used {Time(link.LastUsedAt)}");
            if (link.Ending is { } ending)
            {
                await Console.Out.WriteLineAsync($"      ended {Time(link.EndedAt)}: {Name(ending)}{(link.EndReason is null ? "" : $" ({link.EndReason})")}");
            }

            foreach (var account in link.Accounts)
            {
                await Console.Out.WriteLineAsync("      " + AccountText(account));
            }
        }
    }

    private static string AccountText(OverviewAccount a)
    {
        if (!a.KnownToCore)
        {
            return $"{a.Id}  (not known to the core){(a.IsRegistered ? ", registered" : "")}";
        }

        var linkable = a.NotLinkableReason is null or Domain.Accounts.NotLinkableReason.None ? "linkable" : $"not linkable: {Name(a.NotLinkableReason.Value)}";
        return $"{a.Id}  {(a.Kind is { } kind ? Name(kind) : "-"),-9} {a.BranchCode} {a.BranchName} {a.MaskedNumber}  {a.ProductName}"
            + $"  {(a.Status is { } s ? Name(s) : "-")}, {linkable}{(a.IsRegistered ? ", registered" : "")}";
    }
}
