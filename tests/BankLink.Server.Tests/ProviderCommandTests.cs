using BankLink.Data.Operations;
using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.Providers;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using BankLink.Server.Commands;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// <c>providers list|show|suspend|reinstate</c> and <c>approvals list|approve|reject</c>: suspension is four-eyes by
/// default, so a command's request waits for another operator, and the command user cannot approve their own.
/// </summary>
[Collection("Console")]
public sealed class ProviderCommandTests : OperatorCommandTestBase
{
    private const string Reason = "provider leaked its client keys";

    /// <summary>An operator of the console: not the command user.</summary>
    private static readonly OperatorActor Chief = new(Guid.NewGuid(), "chief", OperatorRole.Admin);

    private Task<string> ProviderStatusAsync() => Database.ScalarAsync<string>("SELECT status FROM providers WHERE id = $1", SandboxProvider.Id);

    [Fact]
    public async Task ListAndShow_SandboxProvider_ClientsLinksAndTokensNeverSecrets()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var client = await ClientAsync("家計簿テスト");
        await GrantAsync(client, tanaka, accounts[0]);

        var (listExit, list, _) = await RunAsync("providers", "list");
        var (showExit, show, _) = await RunAsync("providers", "show", "サンドボックス家計簿");
        var (byIdExit, byId, _) = await RunAsync("providers", "show", SandboxProvider.Id.ToString());

        Assert.Equal(ExitCodes.Success, listExit);
        Assert.Contains(SandboxProvider.Id.ToString(), list, StringComparison.Ordinal);
        Assert.Contains("サンドボックス家計簿", list, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, showExit);
        Assert.Contains("status: active", show, StringComparison.Ordinal);
        Assert.Contains(client, show, StringComparison.Ordinal);
        Assert.Contains("家計簿テスト", show, StringComparison.Ordinal);
        Assert.Contains("active links: ", show, StringComparison.Ordinal);
        Assert.Contains("last 24 hours: ", show, StringComparison.Ordinal);
        Assert.Contains("onboarding tokens: ", show, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, byIdExit);
        Assert.Equal(show, byId);
    }

    [Fact]
    public async Task Show_UnknownProvider_Refused()
    {
        var (exit, _, error) = await RunAsync("providers", "show", "No Such Fintech");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("No provider has the id or name 'No Such Fintech'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspend_FourEyesByDefault_PendingUntilAnotherOperatorApproves()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0]);

        var (exit, output, _) = await RunAsync("providers", "suspend", "サンドボックス家計簿", "--reason", Reason);
        var id = PendingId(output);
        var statusWhilePending = await ProviderStatusAsync();
        var tokensWhilePending = await LiveTokensAsync(grant);
        var (listExit, listed, _) = await RunAsync("approvals", "list");
        var (sameExit, _, sameError) = await RunAsync("approvals", "approve", id.ToString(), "--reason", "looks right to me");
        var statusAfterOwnApproval = await ProviderStatusAsync();

        await using var services = BankLinkServices.Build(Database.ConnectionString);
        var approved = await services.GetRequiredService<OperatorActions>().ApproveAsync(Chief, id, "checked with the provider", CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("needs a second operator's approval", output, StringComparison.Ordinal);
        Assert.Equal(("active", 2L), (statusWhilePending, tokensWhilePending));
        Assert.Equal(ExitCodes.Success, listExit);
        Assert.Contains(id.ToString(), listed, StringComparison.Ordinal);
        Assert.Contains("provider_suspend", listed, StringComparison.Ordinal);
        Assert.Contains(CommandActor, listed, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Refused, sameExit);
        Assert.Contains("Another operator must approve", sameError, StringComparison.Ordinal);
        Assert.Equal("active", statusAfterOwnApproval);
        Assert.IsType<ProviderActionOutcome>(approved.Result);
        Assert.Equal("suspended", await ProviderStatusAsync());
        Assert.Equal(1, await LiveTokensAsync(grant));
        Assert.Equal(0, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM tokens WHERE grant_id = $1 AND status = 'active' AND kind = 'access_token'", grant));
    }

    [Fact]
    public async Task SuspendThenReinstate_FourEyesOff_DoneAtOnce_SecondTimeRefused()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0]);

        var (suspend, suspended, _) = await RunAsync("providers", "suspend", SandboxProvider.Id.ToString(), "--reason", Reason, "--revoke-refresh-tokens", FourEyesOff);
        var (again, _, againError) = await RunAsync("providers", "suspend", SandboxProvider.Id.ToString(), "--reason", Reason, FourEyesOff);
        var tokensWhileSuspended = await LiveTokensAsync(grant);
        var (reinstate, reinstated, _) = await RunAsync("providers", "reinstate", "サンドボックス家計簿", "--reason", "keys rotated, audit passed");
        var (reinstateAgain, _, _) = await RunAsync("providers", "reinstate", "サンドボックス家計簿", "--reason", "keys rotated, audit passed");

        Assert.Equal(ExitCodes.Success, suspend);
        Assert.Contains("is suspended", suspended, StringComparison.Ordinal);
        Assert.Contains("refresh token(s) revoked", suspended, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Refused, again);
        Assert.Contains("suspended already", againError, StringComparison.Ordinal);
        Assert.Equal(0, tokensWhileSuspended);
        Assert.Equal(ExitCodes.Success, reinstate);
        Assert.Contains("is active again", reinstated, StringComparison.Ordinal);
        Assert.Equal("active", await ProviderStatusAsync());
        Assert.Equal(ExitCodes.Refused, reinstateAgain);
        Assert.Equal((CommandActor, Reason), await LastEventAsync(ProviderOperationEvents.ProviderSuspended));
    }

    [Fact]
    public async Task Suspend_UnknownProviderOrMissingReason_RefusedOrInvalid()
    {
        Assert.Equal(ExitCodes.Refused, (await RunAsync("providers", "suspend", "No Such Fintech", "--reason", Reason)).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("providers", "suspend", "サンドボックス家計簿")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("providers", "suspend", "サンドボックス家計簿", "--reason", "  ")).ExitCode);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM pending_operator_actions"));
        Assert.Equal("active", await ProviderStatusAsync());
    }

    [Fact]
    public async Task ApprovalsApprove_AnotherOperatorsRequest_ExecutedAsTheCommandUser_OnlyOnce()
    {
        await using var services = BankLinkServices.Build(Database.ConnectionString);
        var requested = await services.GetRequiredService<OperatorActions>().RunAsync(
            Chief, ProviderActionExecutor.SuspendProvider(SandboxProvider.Id, revokeRefreshTokens: false), Reason, CancellationToken.None);

        var (exit, output, _) = await RunAsync("approvals", "approve", requested.PendingId!.Value.ToString(), "--reason", "confirmed by phone");
        var (again, _, _) = await RunAsync("approvals", "approve", requested.PendingId!.Value.ToString(), "--reason", "confirmed by phone");

        Assert.True(requested.Pending);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("approved and done", output, StringComparison.Ordinal);
        Assert.Contains("Provider suspended", output, StringComparison.Ordinal);
        Assert.Equal("suspended", await ProviderStatusAsync());
        Assert.Equal(CommandActor, (await LastEventAsync(ProviderOperationEvents.ProviderSuspended)).ActorId);
        Assert.Equal(CommandActor, (await LastEventAsync(FourEyesQueue.Approved)).ActorId);
        Assert.Equal(ExitCodes.Refused, again);
    }

    [Fact]
    public async Task ApprovalsReject_OwnRequest_WithdrawnAndNothingDone()
    {
        var (_, output, _) = await RunAsync("providers", "suspend", "サンドボックス家計簿", "--reason", Reason);
        var id = PendingId(output);

        var (exit, rejected, _) = await RunAsync("approvals", "reject", id.ToString(), "--reason", "asked by mistake");
        var (listExit, listed, _) = await RunAsync("approvals", "list");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("rejected", rejected, StringComparison.Ordinal);
        Assert.Equal("rejected", await Database.ScalarAsync<string>("SELECT status FROM pending_operator_actions WHERE id = $1", id));
        Assert.Equal("active", await ProviderStatusAsync());
        Assert.Equal(ExitCodes.Success, listExit);
        Assert.DoesNotContain(id.ToString(), listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovalsApprove_BadOrUnknownIdOrNoReason_InvalidOrRefused()
    {
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("approvals", "approve", "42", "--reason", "confirmed by phone")).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await RunAsync("approvals", "approve", Guid.NewGuid().ToString(), "--reason", "confirmed by phone")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("approvals", "approve", Guid.NewGuid().ToString())).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await RunAsync("approvals", "reject", Guid.NewGuid().ToString(), "--reason", "not needed anymore")).ExitCode);
    }
}
