using System.CommandLine;
using System.Globalization;
using BankLink.Data.Operations;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Domain.Time;
using BankLink.Server.Database;

namespace BankLink.Server.Commands;

/// <summary>
/// <c>operators create-admin|add|list</c> and <c>operators api-key issue|revoke</c>: operator accounts from the server's
/// own machine. Nobody ships with a default password: the first admin is made here, with a generated password and TOTP
/// key printed once to the terminal of whoever runs the command; later operators are added by an admin (console) or here.
/// The person running a command acts as <see cref="OperatorActor.Command"/>, recorded in the audit trail by user name.
/// </summary>
internal static class OperatorCommands
{
    public static Command Create(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("operators", "Operator accounts of the console and the admin API.");

        var adminLogin = new Option<string>("--login-id") { Description = "The admin's login ID: 3 to 32 of a-z, 0-9, '.', '_', '-'.", Required = true };
        var adminName = new Option<string>("--name") { Description = "The admin's name as colleagues know it.", Required = true };
        var createAdmin = new Command("create-admin",
            "Create the first admin (refused while an active admin exists); prints the generated password and TOTP key once.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        createAdmin.Options.Add(adminLogin);
        createAdmin.Options.Add(adminName);
        createAdmin.SetAction((parse, ct) => guard(() => CreateAdminAsync([.. parse.UnmatchedTokens], parse.GetValue(adminLogin)!, parse.GetValue(adminName)!, ct)));
        command.Subcommands.Add(createAdmin);

        var addLogin = new Option<string>("--login-id") { Description = "The operator's login ID: 3 to 32 of a-z, 0-9, '.', '_', '-'.", Required = true };
        var addName = new Option<string>("--name") { Description = "The operator's name as colleagues know it.", Required = true };
        var addRole = new Option<string>("--role") { Description = "viewer, operator or admin.", Required = true };
        var addReason = new Option<string>("--reason") { Description = "Why the account is made; kept in the audit trail.", Required = true };
        var add = new Command("add", "Add an operator; prints the generated password and TOTP key once.") { TreatUnmatchedTokensAsErrors = false };
        add.Options.Add(addLogin);
        add.Options.Add(addName);
        add.Options.Add(addRole);
        add.Options.Add(addReason);
        add.SetAction((parse, ct) => guard(() => AddAsync(
            [.. parse.UnmatchedTokens], parse.GetValue(addLogin)!, parse.GetValue(addName)!, parse.GetValue(addRole)!, parse.GetValue(addReason)!, ct)));
        command.Subcommands.Add(add);

        var list = new Command("list", "List operators: role, status, last login (never a secret).") { TreatUnmatchedTokensAsErrors = false };
        list.SetAction((parse, ct) => guard(() => ListAsync([.. parse.UnmatchedTokens], ct)));
        command.Subcommands.Add(list);

        command.Subcommands.Add(ApiKeyCommand(guard));
        return command;
    }

    private static Command ApiKeyCommand(Func<Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("api-key", "Issue and revoke admin API keys.");

        var login = new Option<string>("--login-id") { Description = "The operator the key acts as (with their role).", Required = true };
        var name = new Option<string>("--name") { Description = "What uses the key (a tool's name).", Required = true };
        var days = new Option<int?>("--days") { Description = "Days the key is valid (default 90, at most 365)." };
        var issueReason = new Option<string?>("--reason") { Description = "Why the key is issued; kept in the audit trail." };
        var issue = new Command("issue", "Issue an admin API key; prints it once (only its hash is kept).") { TreatUnmatchedTokensAsErrors = false };
        issue.Options.Add(login);
        issue.Options.Add(name);
        issue.Options.Add(days);
        issue.Options.Add(issueReason);
        issue.SetAction((parse, ct) => guard(() => IssueKeyAsync(
            [.. parse.UnmatchedTokens], parse.GetValue(login)!, parse.GetValue(name)!, parse.GetValue(days), parse.GetValue(issueReason), ct)));
        command.Subcommands.Add(issue);

        var keyId = new Argument<string>("key-id") { Description = "The key's id (from the console or the issue command)." };
        var revokeReason = new Option<string>("--reason") { Description = "Why the key is revoked; kept in the audit trail.", Required = true };
        var revoke = new Command("revoke", "Revoke an admin API key: the next call with it is refused.") { TreatUnmatchedTokensAsErrors = false };
        revoke.Arguments.Add(keyId);
        revoke.Options.Add(revokeReason);
        revoke.SetAction((parse, ct) => guard(() => RevokeKeyAsync([.. parse.UnmatchedTokens], parse.GetValue(keyId)!, parse.GetValue(revokeReason)!, ct)));
        command.Subcommands.Add(revoke);
        return command;
    }

    private static OperatorActor Actor() => OperatorActor.Command(Environment.UserName);

    private static async Task<int> CreateAdminAsync(string[] args, string loginId, string name, CancellationToken cancellationToken) =>
        await RunAsync(args, async services =>
        {
            var created = await services.GetRequiredService<OperatorStore>().CreateFirstAdminAsync(loginId, name, Actor().LoginId, cancellationToken);
            await PrintCredentialsAsync($"Admin {created.Operator.LoginId} created.", created);
            return ExitCodes.Success;
        }, cancellationToken);

    private static async Task<int> AddAsync(string[] args, string loginId, string name, string roleName, string reason, CancellationToken cancellationToken)
    {
        if (!OperatorRoles.TryParse(roleName.Trim().ToLowerInvariant(), out var role))
        {
            await Console.Error.WriteLineAsync("--role must be viewer, operator or admin.");
            return ExitCodes.InvalidArguments;
        }

        return await RunAsync(args, async services =>
        {
            var created = await services.GetRequiredService<OperatorStore>().CreateAsync(Actor(), loginId, name, role, reason, cancellationToken);
            await PrintCredentialsAsync($"Operator {created.Operator.LoginId} ({role.ToName()}) created.", created);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    private static async Task<int> ListAsync(string[] args, CancellationToken cancellationToken) =>
        await RunAsync(args, async services =>
        {
            var operators = await services.GetRequiredService<OperatorStore>().ListAsync(cancellationToken);
            if (operators.Count == 0)
            {
                await Console.Out.WriteLineAsync("No operators yet: create the first admin with 'operators create-admin'.");
                return ExitCodes.Success;
            }

            foreach (var o in operators)
            {
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{o.LoginId,-20} {o.Role.ToName(),-9} {o.Status.ToName(),-9} last login {Time(o.LastLoginAt)}  failures {o.ConsecutiveFailures}  {o.DisplayName}"));
            }

            return ExitCodes.Success;
        }, cancellationToken);

    private static async Task<int> IssueKeyAsync(string[] args, string loginId, string name, int? days, string? reason, CancellationToken cancellationToken)
    {
        if (days is < 1)
        {
            await Console.Error.WriteLineAsync("--days must be at least 1.");
            return ExitCodes.InvalidArguments;
        }

        return await RunAsync(args, async services =>
        {
            var owner = await services.GetRequiredService<OperatorStore>().FindByLoginIdAsync(loginId, cancellationToken)
                ?? throw new OperationRefusedException("not_found", $"No operator has the login ID '{loginId}'.");
            var issued = await services.GetRequiredService<OperatorApiKeys>().IssueAsync(
                Actor(), owner.Id, name, days is { } d ? TimeSpan.FromDays(d) : null, reason, cancellationToken);
            await Console.Out.WriteLineAsync($"API key {issued.Id} \"{issued.Name}\" for {issued.OperatorLoginId} ({owner.Role.ToName()}), valid until {Time(issued.ExpiresAt)}.");
            await Console.Out.WriteLineAsync("Shown this once (BankLink keeps only its hash); use it as 'Authorization: Bearer <key>' on /admin/v1/...:");
            await Console.Out.WriteLineAsync(issued.Key);
            return ExitCodes.Success;
        }, cancellationToken);
    }

    private static async Task<int> RevokeKeyAsync(string[] args, string keyId, string reason, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(keyId, out var id))
        {
            await Console.Error.WriteLineAsync("KEY_ID must be the key's id (a UUID).");
            return ExitCodes.InvalidArguments;
        }

        return await RunAsync(args, async services =>
        {
            var revoked = await services.GetRequiredService<OperatorApiKeys>().RevokeAsync(Actor(), id, reason, cancellationToken);
            await Console.Out.WriteLineAsync($"API key {revoked.Id} \"{revoked.Name}\" of {revoked.OperatorLoginId} is revoked.");
            return ExitCodes.Success;
        }, cancellationToken);
    }

    /// <summary>Runs against the configured database; a refused operation is exit 4 with its message.</summary>
    private static async Task<int> RunAsync(string[] args, Func<IServiceProvider, Task<int>> action, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancellationToken);
        try
        {
            return await action(host.Services);
        }
        catch (OperationRefusedException refused)
        {
            await Console.Error.WriteLineAsync(refused.Message);
            return refused.Code is "invalid_request" or "invalid_reason" ? ExitCodes.InvalidArguments : ExitCodes.Refused;
        }
    }

    private static async Task PrintCredentialsAsync(string headline, OperatorCredentials credentials)
    {
        await Console.Out.WriteLineAsync(headline + " Shown this once (BankLink keeps only a hash of the password and the key encrypted):");
        await Console.Out.WriteLineAsync($"  login ID:          {credentials.Operator.LoginId}");
        await Console.Out.WriteLineAsync($"  password:          {credentials.Password}");
        await Console.Out.WriteLineAsync($"  TOTP key (base32): {credentials.TotpSecretBase32}");
        await Console.Out.WriteLineAsync($"  otpauth URI:       {credentials.OtpAuthUri}");
        await Console.Out.WriteLineAsync("Add the key to an authenticator app (SHA-1, 6 digits, 30 seconds), then log in at /console/login,");
        await Console.Out.WriteLineAsync("where the generated password must be replaced by one of your own before anything else opens.");
    }

    private static string Time(DateTimeOffset? instant) =>
        instant is { } at ? at.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " JST" : "never";
}
