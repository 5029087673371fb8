using System.Text.RegularExpressions;
using BankLink.Data.Operators;
using BankLink.Server.Commands;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary><c>operators create-admin|add|list</c> and <c>operators api-key issue|revoke</c>, run as the command line runs them.</summary>
[Collection("Console")]
public sealed partial class OperatorCommandTests : IAsyncLifetime
{
    private readonly SchemaDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => ServerCommand.RunMergedAsync(_database.ConnectionString, args);

    [Fact]
    public async Task CreateAdmin_PrintsGeneratedSecretsOnce_SecondAdminRefused()
    {
        var (exit, output) = await RunAsync("operators", "create-admin", "--login-id", "chief", "--name", "Chief Admin");
        var (secondExit, second) = await RunAsync("operators", "create-admin", "--login-id", "deputy", "--name", "Deputy");

        Assert.Equal(ExitCodes.Success, exit);
        var password = PasswordLine().Match(output).Groups[1].Value;
        var secret = SecretLine().Match(output).Groups[1].Value;
        Assert.Matches("^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$", password);
        Assert.Equal(32, secret.Length);
        Assert.Contains("otpauth://totp/BankLink%20Console:chief?secret=" + secret, output, StringComparison.Ordinal);
        Assert.Equal("admin", await _database.ScalarAsync<string>("SELECT role FROM operators WHERE login_id = 'chief'"));
        Assert.False(await _database.ScalarAsync<bool>(
            "SELECT bool_or(password_hash LIKE '%' || $1 || '%' OR protected_totp_seed LIKE '%' || $2 || '%') FROM operators", password, secret));
        Assert.Equal(ExitCodes.Refused, secondExit);
        Assert.Contains("active admin exists", second, StringComparison.Ordinal);
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM operators"));
    }

    [Fact]
    public async Task AddAndList_ShowsOperatorsNeverSecrets()
    {
        var (exit, output) = await RunAsync("operators", "add", "--login-id", "Taro.Viewer", "--name", "Taro", "--role", "viewer", "--reason", "joined the desk");
        var (badRole, _) = await RunAsync("operators", "add", "--login-id", "jiro", "--name", "Jiro", "--role", "root", "--reason", "joined the desk");
        var (noReason, _) = await RunAsync("operators", "add", "--login-id", "jiro", "--name", "Jiro", "--role", "viewer", "--reason", " ");
        var (listExit, listed) = await RunAsync("operators", "list");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal(ExitCodes.InvalidArguments, badRole);
        Assert.Equal(ExitCodes.InvalidArguments, noReason);
        Assert.Equal(ExitCodes.Success, listExit);
        Assert.Contains("taro.viewer", listed, StringComparison.Ordinal);
        Assert.Contains("viewer", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(PasswordLine().Match(output).Groups[1].Value, listed, StringComparison.Ordinal);
        Assert.Equal("joined the desk", await _database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'reason' FROM audit_events WHERE event_type = 'operator_created'"));
    }

    [Fact]
    public async Task ApiKeyIssue_PrintsAWorkingKeyOnce_RevokeStopsIt()
    {
        await RunAsync("operators", "create-admin", "--login-id", "chief", "--name", "Chief Admin");

        var (exit, output) = await RunAsync("operators", "api-key", "issue", "--login-id", "chief", "--name", "nightly report", "--days", "10");
        var key = Regex.Match(output, "blak_[A-Za-z0-9_-]{43}").Value;
        await using var services = BankLinkServices.Build(_database.ConnectionString);
        var keys = services.GetRequiredService<OperatorApiKeys>();
        var caller = await keys.VerifyAsync(key, CancellationToken.None);
        var keyId = await _database.ScalarAsync<Guid>("SELECT id FROM operator_api_keys");
        var (revokeExit, _) = await RunAsync("operators", "api-key", "revoke", keyId.ToString(), "--reason", "report retired");
        var (unknownExit, _) = await RunAsync("operators", "api-key", "issue", "--login-id", "nobody", "--name", "x");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("chief", caller!.Operator.LoginId);
        Assert.Contains(keyId.ToString(), output, StringComparison.Ordinal);
        Assert.Equal(10, await _database.ScalarAsync<int>("SELECT extract(day FROM expires_at - created_at)::int FROM operator_api_keys"));
        Assert.Equal(ExitCodes.Success, revokeExit);
        Assert.Null(await keys.VerifyAsync(key, CancellationToken.None));
        Assert.Equal(ExitCodes.Refused, unknownExit);
        Assert.Equal("report retired", await _database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'reason' FROM audit_events WHERE event_type = 'operator_api_key_revoked'"));
    }

    [GeneratedRegex(@"password:\s+(\S+)")]
    private static partial Regex PasswordLine();

    [GeneratedRegex(@"TOTP key \(base32\):\s+(\S+)")]
    private static partial Regex SecretLine();
}
