using System.Text.RegularExpressions;
using BankLink.Data.Audit;
using BankLink.DemoBank;
using BankLink.Server.Commands;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>
/// <c>customers find|show|revoke-link|remove-account|revoke-all|deregister-token|unlock</c> and <c>accounts record-state</c>,
/// run as the command line runs them, over the sandbox bank.
/// </summary>
[Collection("Console")]
public sealed class CustomerCommandTests : OperatorCommandTestBase
{
    [Fact]
    public async Task Find_ByLoginIdCustomerNumberOrAccountNumber_ListsTheCustomer()
    {
        var accountNumber = await Database.ScalarAsync<string>(
            "SELECT branch_code || '-' || account_number FROM ledger.accounts WHERE customer_number = '1000000001' ORDER BY id LIMIT 1");

        var byLogin = await RunAsync("customers", "find", "--login-id", "TANAKA01");
        var byNumber = await RunAsync("customers", "find", "--customer-number", "1000000001");
        var byAccount = await RunAsync("customers", "find", "--account-number", accountNumber);

        foreach (var (exit, output, _) in new[] { byLogin, byNumber, byAccount })
        {
            Assert.Equal(ExitCodes.Success, exit);
            Assert.Contains("tanaka01", output, StringComparison.Ordinal);
            Assert.Contains("1000000001", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Find_NoneOrTwoCriteriaOrBadNumber_InvalidArguments_NoMatch_Refused()
    {
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("customers", "find")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("customers", "find", "--login-id", "tanaka01", "--customer-number", "1000000001")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("customers", "find", "--account-number", "12-34")).ExitCode);
        var (exit, _, error) = await RunAsync("customers", "find", "--login-id", "nobody");
        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("No customer matches", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_CustomerWithALink_RegistrationAccountsLinksAndTokens_NeverASecret()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync("家計簿テスト"), tanaka, accounts[0]);

        var (exit, output, _) = await RunAsync("customers", "show", "tanaka01");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("tanaka01  customer number 1000000001", output, StringComparison.Ordinal);
        Assert.Contains("  status: active", output, StringComparison.Ordinal);
        Assert.Contains("  OTP tokens: 1", output, StringComparison.Ordinal);
        Assert.Contains("9000000001", output, StringComparison.Ordinal);
        Assert.Contains("registration for linking: valid", output, StringComparison.Ordinal);
        Assert.Contains("active links: 1", output, StringComparison.Ordinal);
        Assert.Contains(grant.ToString(), output, StringComparison.Ordinal);
        Assert.Contains("家計簿テスト", output, StringComparison.Ordinal);
        Assert.Contains(accounts[0].ToString(), output, StringComparison.Ordinal);
        Assert.Contains("functions balance, transactions", output, StringComparison.Ordinal);
        var number = await Database.ScalarAsync<string>("SELECT account_number FROM ledger.accounts WHERE id = $1", accounts[0]);
        Assert.DoesNotContain(number, output, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoCustomers.All[0].Password, output, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoCustomers.All[0].OtpSecretBase32, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownLogin_Refused()
    {
        var (exit, _, error) = await RunAsync("customers", "show", "nobody");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("No customer has the login ID 'nobody'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeLink_EndsTheLinkAndItsTokens_AuditedAsTheCommandUserWithReason()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var client = await ClientAsync();
        var grant = await GrantAsync(client, tanaka, accounts[0], accounts[1]);
        var other = await GrantAsync(client, tanaka, accounts[0]);

        var (exit, output, _) = await RunAsync("customers", "revoke-link", "tanaka01", grant.ToString(), "--reason", "customer asked at the branch");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"Link {grant} of customer tanaka01 is revoked", output, StringComparison.Ordinal);
        Assert.Equal("revoked", await GrantStatusAsync(grant));
        Assert.Equal(0, await LiveTokensAsync(grant));
        Assert.Equal("active", await GrantStatusAsync(other));
        var (actor, reason) = await LastEventAsync(AuditEventTypes.LinkRevoked);
        Assert.Equal(CommandActor, actor);
        Assert.Equal("customer asked at the branch", reason);
    }

    [Fact]
    public async Task RevokeLink_Refusals_ExitCodesAndNothingChanges()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (suzuki, suzukiAccounts) = await CustomerAsync("suzuki02");
        var client = await ClientAsync();
        var grant = await GrantAsync(client, tanaka, accounts[0]);
        var suzukisGrant = await GrantAsync(client, suzuki, suzukiAccounts[0]);
        const string Reason = "customer asked at the branch";

        Assert.Equal(ExitCodes.Refused, (await RunAsync("customers", "revoke-link", "nobody", grant.ToString(), "--reason", Reason)).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await RunAsync("customers", "revoke-link", "tanaka01", Guid.NewGuid().ToString(), "--reason", Reason)).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await RunAsync("customers", "revoke-link", "tanaka01", suzukisGrant.ToString(), "--reason", Reason)).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("customers", "revoke-link", "tanaka01", "not-a-uuid", "--reason", Reason)).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("customers", "revoke-link", "tanaka01", grant.ToString())).ExitCode);
        var (shortExit, _, shortError) = await RunAsync("customers", "revoke-link", "tanaka01", grant.ToString(), "--reason", "abc");
        Assert.Equal(ExitCodes.InvalidArguments, shortExit);
        Assert.Contains("reason", shortError, StringComparison.Ordinal);

        Assert.Equal("active", await GrantStatusAsync(grant));
        Assert.Equal("active", await GrantStatusAsync(suzukisGrant));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'link_revoked'"));
    }

    [Fact]
    public async Task RemoveAccount_OneOfTwoThenTheLast_LinkGoesOnThenEnds()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0], accounts[1]);

        var (first, firstOutput, _) = await RunAsync("customers", "remove-account", "tanaka01", grant.ToString(), accounts[0].ToString(), "--reason", "account to be closed");
        var stillActive = await GrantStatusAsync(grant);
        var (last, lastOutput, _) = await RunAsync("customers", "remove-account", "tanaka01", grant.ToString(), accounts[1].ToString(), "--reason", "account to be closed");
        var (again, _, _) = await RunAsync("customers", "remove-account", "tanaka01", grant.ToString(), accounts[1].ToString(), "--reason", "account to be closed");

        Assert.Equal(ExitCodes.Success, first);
        Assert.Contains("goes on with its other accounts", firstOutput, StringComparison.Ordinal);
        Assert.Equal("active", stillActive);
        Assert.Equal(ExitCodes.Success, last);
        Assert.Contains("the link ended", lastOutput, StringComparison.Ordinal);
        Assert.Equal("revoked", await GrantStatusAsync(grant));
        Assert.Equal(0, await LiveTokensAsync(grant));
        Assert.Equal(ExitCodes.Refused, again);
    }

    [Fact]
    public async Task RevokeAll_FourEyesByDefault_PendingApprovalAndNothingChanges()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0]);

        var (exit, output, _) = await RunAsync("customers", "revoke-all", "tanaka01", "--reason", "fraud reported by the customer");

        Assert.Equal(ExitCodes.Success, exit);
        var id = PendingId(output);
        Assert.Equal("active", await GrantStatusAsync(grant));
        Assert.Equal("revoke_all_links pending " + CommandActor, await Database.ScalarAsync<string>(
            "SELECT action || ' ' || status || ' ' || requested_by FROM pending_operator_actions WHERE id = $1", id));
    }

    [Fact]
    public async Task RevokeAll_FourEyesOff_EveryLinkEnds_NoLinkLeftIsNoError()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var client = await ClientAsync();
        var first = await GrantAsync(client, tanaka, accounts[0]);
        var second = await GrantAsync(client, tanaka, accounts[1]);

        var (exit, output, _) = await RunAsync("customers", "revoke-all", "tanaka01", "--reason", "fraud reported by the customer", FourEyesOff);
        var (again, againOutput, _) = await RunAsync("customers", "revoke-all", "tanaka01", "--reason", "fraud reported by the customer", FourEyesOff);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("2 link(s) of customer tanaka01 revoked", output, StringComparison.Ordinal);
        Assert.Equal("revoked", await GrantStatusAsync(first));
        Assert.Equal("revoked", await GrantStatusAsync(second));
        Assert.Equal(ExitCodes.Success, again);
        Assert.Contains("no active link; nothing changed", againOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeregisterToken_LastActiveToken_RetiredWithWarning_UnknownOrBadSerialRefused()
    {
        var (exit, output, _) = await RunAsync("customers", "deregister-token", "tanaka01", "9000000001", "--reason", "phone reported stolen");
        var (unknown, _, _) = await RunAsync("customers", "deregister-token", "tanaka01", "9000000001", "--reason", "phone reported stolen");
        var (bad, _, _) = await RunAsync("customers", "deregister-token", "tanaka01", "12345", "--reason", "phone reported stolen");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("OTP token 9000000001 (active) of customer tanaka01 is deregistered", output, StringComparison.Ordinal);
        Assert.Contains("cannot log in until a new token is registered", output, StringComparison.Ordinal);
        Assert.Equal("retired", await Database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = '9000000001'"));
        var (actor, reason) = await LastEventAsync("otp_device_deregistered");
        Assert.Equal((CommandActor, "phone reported stolen"), (actor, reason));
        Assert.Equal(ExitCodes.Refused, unknown);
        Assert.Equal(ExitCodes.InvalidArguments, bad);
    }

    [Fact]
    public async Task Unlock_GoesThroughTheOperatorActions_AuditedAsTheCommandUser()
    {
        await Database.ExecuteAsync("UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = now() WHERE login_id = 'tanaka01'");

        var (exit, output, _) = await RunAsync("customers", "unlock", "tanaka01", "--reason", "identified at the branch");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Customer tanaka01 is active again; the failure counter is 0.", output, StringComparison.Ordinal);
        Assert.Equal((CommandActor, "identified at the branch"), await LastEventAsync("customer_unlocked"));
    }

    [Fact]
    public async Task Unlock_StoppedCustomerTooShortReason_InvalidArgumentsAndStillStopped()
    {
        await Database.ExecuteAsync("UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = now() WHERE login_id = 'tanaka01'");

        var (exit, _, _) = await RunAsync("customers", "unlock", "tanaka01", "--reason", "ok");

        Assert.Equal(ExitCodes.InvalidArguments, exit);
        Assert.Equal("stopped", await Database.ScalarAsync<string>("SELECT status FROM customers WHERE login_id = 'tanaka01'"));
    }

    [Fact]
    public async Task Unlock_UnderFourEyes_PendingAndStillStopped()
    {
        await Database.ExecuteAsync("UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = now() WHERE login_id = 'tanaka01'");

        var (exit, output, _) = await RunAsync("customers", "unlock", "tanaka01", "--reason", "identified at the branch", "--BankLink:Operators:FourEyes=lift_stop");

        Assert.Equal(ExitCodes.Success, exit);
        PendingId(output);
        Assert.Equal("stopped", await Database.ScalarAsync<string>("SELECT status FROM customers WHERE login_id = 'tanaka01'"));
    }

    [Fact]
    public async Task RecordState_Closed_AccountLeavesEveryLink_LinkLeftEmptyEnds()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var client = await ClientAsync();
        var onlyThat = await GrantAsync(client, tanaka, accounts[0]);
        var both = await GrantAsync(client, tanaka, accounts[0], accounts[1]);

        var (exit, output, _) = await RunAsync("accounts", "record-state", accounts[0].ToString(), "--state", "closed", "--reason", "closed at the branch");
        var (frozen, _, frozenError) = await RunAsync("accounts", "record-state", accounts[0].ToString(), "--state", "frozen", "--reason", "closed at the branch");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("recorded as closed", output, StringComparison.Ordinal);
        Assert.Contains("2 link(s) lost it, 1 of them ended", output, StringComparison.Ordinal);
        Assert.Equal("closed", await Database.ScalarAsync<string>("SELECT status FROM ledger.accounts WHERE id = $1", accounts[0]));
        Assert.Equal("revoked", await GrantStatusAsync(onlyThat));
        Assert.Equal("active", await GrantStatusAsync(both));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts WHERE grant_id = $1", both));
        Assert.Equal(ExitCodes.Refused, frozen);
        Assert.Contains("closed account cannot be frozen", frozenError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordState_BadStateOrIdOrMissingReason_InvalidArguments_UnknownAccount_Refused()
    {
        var (_, accounts) = await CustomerAsync("tanaka01");

        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("accounts", "record-state", accounts[0].ToString(), "--state", "open", "--reason", "closed at the branch")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("accounts", "record-state", "0010000001", "--state", "closed", "--reason", "closed at the branch")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("accounts", "record-state", accounts[0].ToString(), "--state", "closed")).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await RunAsync("accounts", "record-state", Guid.NewGuid().ToString(), "--state", "closed", "--reason", "closed at the branch")).ExitCode);
        Assert.Equal("open", await Database.ScalarAsync<string>("SELECT status FROM ledger.accounts WHERE id = $1", accounts[0]));
    }
}

/// <summary>
/// What the operator command tests share: the sandbox bank, running a command in-process as the binary would (standard
/// output and error apart), links planted as the data tests plant them, and the audit events a command wrote.
/// </summary>
public abstract partial class OperatorCommandTestBase : IAsyncLifetime
{
    /// <summary>Four-eyes switched off for one command: the bank's setting, passed as the server would read it.</summary>
    protected const string FourEyesOff = "--BankLink:Operators:FourEyes=none";

    /// <summary>Who a command acts as in the audit trail and the four-eyes queue.</summary>
    protected static readonly string CommandActor = "command:" + Environment.UserName;

    protected DemoBankDatabase Database { get; } = new();

    public Task InitializeAsync() => Database.InitializeAsync();

    public Task DisposeAsync() => Database.DisposeAsync();

    protected Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => ServerCommand.RunAsync(Database.ConnectionString, args);

    /// <summary>The id in a command's "pending approval ID" line (which must be there).</summary>
    protected static Guid PendingId(string output)
    {
        var match = PendingLine().Match(output);
        Assert.True(match.Success, output);
        return Guid.Parse(match.Groups[1].Value);
    }

    protected async Task<(Guid Id, Guid[] Accounts)> CustomerAsync(string loginId)
    {
        var id = await Database.ScalarAsync<Guid>("SELECT id FROM customers WHERE login_id = $1", loginId);
        var accounts = new List<Guid>();
        await using (var command = Database.DataSource.CreateCommand("""
            SELECT a.id FROM ledger.accounts a JOIN customers c ON c.customer_number = a.customer_number
            WHERE c.login_id = $1 AND a.status = 'open' AND a.kind IN ('ordinary', 'savings', 'card_loan') AND a.has_pin_card ORDER BY a.id
            """))
        {
            command.Parameters.AddWithValue(loginId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                accounts.Add(reader.GetGuid(0));
            }
        }

        Assert.True(accounts.Count >= 2, loginId);
        return (id, [.. accounts]);
    }

    /// <summary>A client of the sandbox provider, registered with an onboarding token planted for it.</summary>
    protected async Task<string> ClientAsync(string clientName = "家計簿アプリ")
    {
        var clientId = "c" + Guid.NewGuid().ToString("N")[..12];
        var onboarding = Guid.NewGuid().ToString("N")[..8];
        var now = TimeProvider.System.GetUtcNow();
        await Database.ExecuteAsync("""
            INSERT INTO onboarding_tokens (id, provider_id, person_name, token_hash, status, created_at, expires_at, issued_by)
            VALUES ($1, $2, 'p', sha256(convert_to($1, 'UTF8')), 'active', $3, $3 + interval '60 days', 't')
            """, onboarding, SandboxProvider.Id, now);
        await Database.ExecuteAsync("""
            INSERT INTO clients (client_id, provider_id, registered_with, profile, token_endpoint_auth_method, registration_access_token_hash, metadata, status, created_at, updated_at)
            VALUES ($1, $2, $3, 'fapi2', 'private_key_jwt', sha256(convert_to($1, 'UTF8')), jsonb_build_object('client_name', $4::text), 'active', $5, $5)
            """, clientId, SandboxProvider.Id, onboarding, clientName, now);
        return clientId;
    }

    /// <summary>An active grant of the customer's naming <paramref name="accounts"/>, with a live access token and refresh token.</summary>
    protected async Task<Guid> GrantAsync(string clientId, Guid customerId, params Guid[] accounts)
    {
        var grantId = Guid.NewGuid();
        var now = TimeProvider.System.GetUtcNow();
        await Database.ExecuteAsync("""
            INSERT INTO grants (id, client_id, provider_id, customer_id, scope, status, created_at, updated_at, expires_at)
            VALUES ($1, $2, $3, $4, 'openid balance transactions', 'active', $5, $5, $5 + interval '90 days')
            """, grantId, clientId, SandboxProvider.Id, customerId, now.AddDays(-1));
        foreach (var account in accounts)
        {
            await Database.ExecuteAsync("INSERT INTO grant_accounts (grant_id, account_id) VALUES ($1, $2)", grantId, account);
        }

        foreach (var kind in new[] { "access_token", "refresh_token" })
        {
            await Database.ExecuteAsync($"""
                INSERT INTO tokens (id, kind, token_hash, client_id, grant_id, subject, scope, jkt, status, created_at, expires_at)
                VALUES ($1, '{kind}', sha256($2::bytea), $3, $4, 'sub', 'balance', 'jkt', 'active', $5, $5 + interval '1 hour')
                """, Guid.NewGuid(), System.Text.Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()), clientId, grantId, now.AddMinutes(-1));
        }

        return grantId;
    }

    protected Task<string> GrantStatusAsync(Guid grantId) => Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", grantId);

    protected Task<long> LiveTokensAsync(Guid grantId) =>
        Database.ScalarAsync<long>("SELECT count(*) FROM tokens WHERE grant_id = $1 AND status = 'active'", grantId);

    /// <summary>The newest event of a type: its actor id and the reason in its detail (stored with non-ASCII escaped, so read as JSON).</summary>
    protected async Task<(string? ActorId, string? Reason)> LastEventAsync(string type)
    {
        await using var command = Database.DataSource.CreateCommand("SELECT actor_id, detail::jsonb->>'reason' FROM audit_events WHERE event_type = $1 ORDER BY id DESC LIMIT 1");
        command.Parameters.AddWithValue(type);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no {type} event");
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    [GeneratedRegex(@"^pending approval ([0-9a-f-]{36})$", RegexOptions.Multiline)]
    private static partial Regex PendingLine();
}
