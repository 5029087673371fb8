using System.Text.RegularExpressions;
using BankLink.DemoBank;
using BankLink.Server.Commands;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>Tests that read what a command prints share the console, so they do not run beside each other.</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary><c>onboarding-token issue|renew|revoke|list</c>, run as the command line runs them.</summary>
[Collection("Console")]
public sealed partial class OnboardingTokenCommandTests : IAsyncLifetime
{
    private const string Reason = "approved integration of the provider";

    private readonly DemoBankDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var (exit, output, _) = await ServerCommand.RunAsync(_database.ConnectionString, args);
        return (exit, output);
    }

    [Fact]
    public async Task Issue_PrintsTheTokenOnceAndStoresOnlyItsHash()
    {
        var (exit, output) = await RunAsync("onboarding-token", "issue", "--provider", SandboxProvider.Id.ToString(), "--person", "山田 太郎", "--reason", Reason);

        Assert.Equal(ExitCodes.Success, exit);
        var token = TokenPattern().Match(output).Value;
        Assert.NotEmpty(token);
        Assert.Contains("Valid until", output, StringComparison.Ordinal);
        Assert.Equal("山田 太郎", await _database.ScalarAsync<string>("SELECT person_name FROM onboarding_tokens WHERE id = $1", token[..8]));
        Assert.Equal(Reason, await _database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'reason' FROM audit_events WHERE event_type = 'onboarding_token_issued' AND detail::jsonb->>'tokenId' = $1", token[..8]));
        Assert.Equal("command:" + Environment.UserName, await _database.ScalarAsync<string>(
            "SELECT actor_id FROM audit_events WHERE event_type = 'onboarding_token_issued'"));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE detail LIKE '%' || $1 || '%'", token[9..]));
    }

    [Fact]
    public async Task IssueRenewRevoke_WithoutReason_InvalidArgumentsAndNothingIssued()
    {
        var (issueExit, _) = await RunAsync("onboarding-token", "issue", "--provider", SandboxProvider.Id.ToString(), "--person", "Sato");
        var (shortExit, _) = await RunAsync("onboarding-token", "issue", "--provider", SandboxProvider.Id.ToString(), "--person", "Sato", "--reason", "ok");
        var (renewExit, _) = await RunAsync("onboarding-token", "renew", "zzzzzzzz");
        var (revokeExit, _) = await RunAsync("onboarding-token", "revoke", "zzzzzzzz");

        Assert.Equal(ExitCodes.InvalidArguments, issueExit);
        Assert.Equal(ExitCodes.InvalidArguments, shortExit);
        Assert.Equal(ExitCodes.InvalidArguments, renewExit);
        Assert.Equal(ExitCodes.InvalidArguments, revokeExit);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM onboarding_tokens WHERE person_name = 'Sato'"));
    }

    [Fact]
    public async Task Revoke_Twice_SecondRefused()
    {
        var (_, issued) = await RunAsync("onboarding-token", "issue", "--provider", SandboxProvider.Id.ToString(), "--person", "Kato", "--reason", Reason);
        var id = TokenPattern().Match(issued).Value[..8];

        var (first, _) = await RunAsync("onboarding-token", "revoke", id, "--reason", "person left the provider");
        var (second, _) = await RunAsync("onboarding-token", "revoke", id, "--reason", "person left the provider");

        Assert.Equal(ExitCodes.Success, first);
        Assert.Equal(ExitCodes.Refused, second);
    }

    [Fact]
    public async Task Issue_ProviderByName_Accepted()
    {
        var (exit, _) = await RunAsync("onboarding-token", "issue", "--provider", "サンドボックス家計簿", "--person", "Suzuki", "--reason", Reason);

        Assert.Equal(ExitCodes.Success, exit);
    }

    [Fact]
    public async Task RenewThenList_ShowsRenewedAndValidWithoutSecrets()
    {
        var (_, issued) = await RunAsync("onboarding-token", "issue", "--provider", SandboxProvider.Id.ToString(), "--person", "Tanaka", "--reason", Reason);
        var first = TokenPattern().Match(issued).Value;

        var (renewExit, renewed) = await RunAsync("onboarding-token", "renew", first[..8], "--reason", "token expires next week");
        var second = TokenPattern().Match(renewed).Value;
        var (listExit, list) = await RunAsync("onboarding-token", "list", "--provider", SandboxProvider.Id.ToString());

        Assert.Equal(ExitCodes.Success, renewExit);
        Assert.NotEqual(first, second);
        Assert.Equal(ExitCodes.Success, listExit);
        Assert.Contains(first[..8] + "  renewed", list, StringComparison.Ordinal);
        Assert.Contains(second[..8] + "  valid", list, StringComparison.Ordinal);
        Assert.DoesNotContain(first[9..], list, StringComparison.Ordinal);
        Assert.DoesNotContain(second[9..], list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_UnknownId_Refused()
    {
        var (exit, _) = await RunAsync("onboarding-token", "renew", "zzzzzzzz", "--reason", "token expires next week");

        Assert.Equal(ExitCodes.Refused, exit);
    }

    [Fact]
    public async Task Issue_UnknownProvider_Refused()
    {
        var (exit, _) = await RunAsync("onboarding-token", "issue", "--provider", "No Such Fintech", "--person", "x", "--reason", Reason);

        Assert.Equal(ExitCodes.Refused, exit);
    }

    [Fact]
    public async Task Issue_MissingPerson_InvalidArguments()
    {
        var (exit, _) = await RunAsync("onboarding-token", "issue", "--provider", SandboxProvider.Id.ToString(), "--reason", Reason);

        Assert.Equal(ExitCodes.InvalidArguments, exit);
    }

    [Fact]
    public async Task Revoke_ThenTheTokenNoLongerListsAsValid()
    {
        var (_, issued) = await RunAsync("onboarding-token", "issue", "--provider", SandboxProvider.Id.ToString(), "--person", "Sato", "--reason", Reason);
        var id = TokenPattern().Match(issued).Value[..8];

        var (exit, _) = await RunAsync("onboarding-token", "revoke", id, "--reason", "person left the provider");
        var (_, list) = await RunAsync("onboarding-token", "list", "--provider", SandboxProvider.Id.ToString());

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains(id + "  revoked", list, StringComparison.Ordinal);
    }

    [GeneratedRegex("[0-9a-z]{8}@[0-9a-z]{16}")]
    private static partial Regex TokenPattern();
}
