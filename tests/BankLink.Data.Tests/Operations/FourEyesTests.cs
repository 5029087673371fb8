using System.Text.Json.Nodes;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.FourEyes;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using BankLink.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BankLink.Data.Tests.Operations;

/// <summary>The four-eyes rule: one operator asks, a different one with the action's role approves within 24 hours, then it runs.</summary>
public sealed class FourEyesTests : OperationsTestBase
{
    private FourEyesQueue Queue => Get<FourEyesQueue>();

    private static OperatorActionRequest SuspendSandbox() =>
        new(OperatorActionNames.ProviderSuspend, "provider サンドボックス家計簿", new JsonObject { ["provider_id"] = SandboxProvider.Id.ToString() }, ProviderId: SandboxProvider.Id);

    private Task<string> StatusAsync(Guid id) => Database.ScalarAsync<string>("SELECT status FROM pending_operator_actions WHERE id = $1", id);

    [Fact]
    public void Policy_Default_ProviderSuspendAndRevokeAllLinks()
    {
        var policy = Get<FourEyesPolicy>();

        Assert.True(policy.Requires(OperatorActionNames.ProviderSuspend));
        Assert.True(policy.Requires(OperatorActionNames.RevokeAllLinks));
        Assert.False(policy.Requires(OperatorActionNames.RevokeLink));
        Assert.Equal(2, policy.Actions.Count);
    }

    [Theory]
    [InlineData("lift_stop| revoke_link ", "lift_stop|revoke_link")]
    [InlineData("none", "")]
    public async Task Policy_FromConfiguration(string configured, string expected)
    {
        await using var services = ServicesWith(configured.Split('|'));

        Assert.Equal(expected.Split('|', StringSplitOptions.RemoveEmptyEntries).Order(), services.GetRequiredService<FourEyesPolicy>().Actions.Order());
    }

    [Fact]
    public async Task Policy_UnknownActionName_FailsAtStartup()
    {
        await using var services = ServicesWith(["provider_suspnd"]);

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<FourEyesOptions>>().Value);
        Assert.Contains("FourEyes", failure.Message, StringComparison.Ordinal);
        Assert.Contains("provider_suspnd", new FourEyesOptions { FourEyes = ["provider_suspnd"] }.Problems().Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lift_stop, revoke_link", "lift_stop|revoke_link")]
    [InlineData("", "provider_suspend|revoke_all_links")]
    public async Task Policy_FromOneCommaSeparatedValue_AnEmptyOneKeepsTheDefault(string value, string expected)
    {
        await using var services = ServicesWith(new Dictionary<string, string?> { ["BankLink:Operators:FourEyes"] = value });

        Assert.Equal(expected.Split('|').Order(), services.GetRequiredService<FourEyesPolicy>().Actions.Order());
    }

    private ServiceProvider ServicesWith(string[] actions) =>
        ServicesWith(actions.Select((a, i) => new KeyValuePair<string, string?>($"BankLink:Operators:FourEyes:{i}", a)));

    private ServiceProvider ServicesWith(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return BankLinkServices.Build(Database.ConnectionString, Clock, s => s.AddSingleton<IConfiguration>(configuration));
    }

    [Fact]
    public void ActionNames_EveryMutatingActionOfIssue6_WithItsRole()
    {
        Assert.Equal(17, OperatorActionNames.All.Count);
        Assert.All(OperatorActionNames.All, a => Assert.Matches("^[a-z][a-z0-9_]*$", a));
        Assert.Equal(OperatorRole.Operator, OperatorActionNames.RequiredRole(OperatorActionNames.RevokeAllLinks));
        Assert.Equal(OperatorRole.Admin, OperatorActionNames.RequiredRole(OperatorActionNames.ProviderSuspend));
        Assert.Equal(OperatorRole.Admin, OperatorActionNames.RequiredRole(OperatorActionNames.OperatorChangeRole));
        Assert.False(OperatorActionNames.IsKnown("drop_everything"));
    }

    [Fact]
    public async Task RevokeAllLinks_RequestedThenApprovedByAnother_ThenExecutedWithTheApproverAndTheRequestsReason()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0].Id);

        var pending = await Queue.RequestAsync(Operator, CustomerActionExecutor.RevokeAllLinks(tanaka, "all links of tanaka01"), Reason, CancellationToken.None);

        Assert.Equal((PendingActionStatus.Pending, OperatorRole.Operator, Clock.GetUtcNow().AddHours(24)), (pending.Status, pending.RequiredRole, pending.ExpiresAt));
        Assert.Equal("active", await GrantStatusAsync(grant));
        Assert.Equal([pending.Id], (await Queue.ListPendingAsync(Viewer, CancellationToken.None)).Select(p => p.Id));
        var requested = Assert.Single(await EventsAsync(FourEyesQueue.Requested));
        Assert.Equal(("operator", "operator1", Reason), (requested.ActorKind, requested.ActorId, ReasonOf(requested.Detail)));

        var approved = await Queue.ApproveAsync(SecondOperator, pending.Id, "checked with the customer", CancellationToken.None);
        var outcome = await Get<CustomerActionExecutor>().ExecuteAsync(SecondOperator, approved, CancellationToken.None);

        Assert.Equal((PendingActionStatus.Approved, "operator2"), (approved.Status, approved.DecidedBy));
        Assert.Equal("approved", await StatusAsync(pending.Id));

        // The execution was claimed for the approver with the approval itself: no approved request is ever unclaimed.
        Assert.Equal("operator2", await Database.ScalarAsync<string>("SELECT executed_by FROM pending_operator_actions WHERE id = $1", pending.Id));
        Assert.Equal([grant], outcome.Links!.LinksRevoked);
        Assert.Equal(("revoked", 0L), (await GrantStatusAsync(grant), await LiveTokensAsync(grant)));
        var revoked = Assert.Single(await EventsAsync(Audit.AuditEventTypes.LinkRevoked));
        Assert.Equal("operator2", revoked.ActorId);
        Assert.Equal($"{Reason} [four-eyes {pending.Id}]", ReasonOf(revoked.Detail));
        Assert.Single(await EventsAsync(FourEyesQueue.Approved));
        Assert.Empty(await Queue.ListPendingAsync(Viewer, CancellationToken.None));
        Assert.True((await Get<Audit.AuditVerifier>().VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task Approve_BySameOperator_SameOperator_AndStaysPending()
    {
        var pending = await Queue.RequestAsync(Admin, SuspendSandbox(), Reason, CancellationToken.None);

        await RefusedAsync("same_operator", () => Queue.ApproveAsync(Admin, pending.Id, "looks right", CancellationToken.None));
        await RefusedAsync("same_operator", () => Queue.ApproveAsync(new OperatorActor(Guid.NewGuid(), "ADMIN1", OperatorRole.Admin), pending.Id, "same name", CancellationToken.None));
        await RefusedAsync("same_operator", () => Queue.ApproveAsync(Admin with { LoginId = "renamed" }, pending.Id, "same id", CancellationToken.None));

        Assert.Equal("pending", await StatusAsync(pending.Id));
        Assert.Empty(await EventsAsync(FourEyesQueue.Approved));
    }

    [Fact]
    public async Task Approve_WithoutTheActionsRole_Forbidden_AndAViewerCannotRequestOrDecide()
    {
        var pending = await Queue.RequestAsync(Admin, SuspendSandbox(), Reason, CancellationToken.None);

        await RefusedAsync("forbidden", () => Queue.ApproveAsync(Operator, pending.Id, "looks right", CancellationToken.None));
        await RefusedAsync("forbidden", () => Queue.RejectAsync(Operator, pending.Id, "looks wrong", CancellationToken.None));
        await RefusedAsync("forbidden", () => Queue.ApproveAsync(Viewer, pending.Id, "looks right", CancellationToken.None));
        await RefusedAsync("forbidden", () => Queue.RequestAsync(Operator, SuspendSandbox(), Reason, CancellationToken.None));
        await RefusedAsync("forbidden", () => Queue.RequestAsync(Viewer, CustomerActionExecutor.LiftStop(Guid.NewGuid(), "x"), Reason, CancellationToken.None));

        Assert.Equal("pending", await StatusAsync(pending.Id));
    }

    [Fact]
    public async Task Approve_Expired_ConflictAndMarkedExpired_AuditedAndGoneFromTheList()
    {
        var pending = await Queue.RequestAsync(Admin, SuspendSandbox(), Reason, CancellationToken.None);
        Clock.Advance(TimeSpan.FromHours(24));

        Assert.Empty(await Queue.ListPendingAsync(Viewer, CancellationToken.None));
        await RefusedAsync("conflict", () => Queue.ApproveAsync(new OperatorActor(Guid.NewGuid(), "admin2", OperatorRole.Admin), pending.Id, "too late", CancellationToken.None));

        Assert.Equal("expired", await StatusAsync(pending.Id));
        Assert.Equal(PendingActionStatus.Expired, (await Queue.GetAsync(Viewer, pending.Id, CancellationToken.None)).Status);
        var expired = Assert.Single(await EventsAsync(FourEyesQueue.Expired));
        Assert.Equal(("system", "four-eyes"), (expired.ActorKind, expired.ActorId));
    }

    [Fact]
    public async Task ExpireDue_MarksOnlyTheOverdue()
    {
        var old = await Queue.RequestAsync(Admin, SuspendSandbox(), Reason, CancellationToken.None);
        Clock.Advance(TimeSpan.FromHours(23));
        var fresh = await Queue.RequestAsync(Admin, SuspendSandbox(), Reason, CancellationToken.None);
        Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal(1, await Queue.ExpireDueAsync(CancellationToken.None));
        Assert.Equal(("expired", "pending"), (await StatusAsync(old.Id), await StatusAsync(fresh.Id)));
        Assert.Equal(0, await Queue.ExpireDueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Decided_CannotBeDecidedAgain()
    {
        await RefusedAsync("not_found", () => Queue.RequestAsync(Operator, CustomerActionExecutor.RevokeAllLinks(Guid.NewGuid(), "x"), Reason, CancellationToken.None));

        var (tanaka, _) = await CustomerAsync("tanaka01");
        var request = await Queue.RequestAsync(Operator, CustomerActionExecutor.RevokeAllLinks(tanaka, "all links of tanaka01"), Reason, CancellationToken.None);
        var rejected = await Queue.RejectAsync(SecondOperator, request.Id, "customer withdrew the request", CancellationToken.None);

        Assert.Equal(PendingActionStatus.Rejected, rejected.Status);
        await RefusedAsync("conflict", () => Queue.ApproveAsync(Admin, request.Id, "approve anyway", CancellationToken.None));
        await RefusedAsync("conflict", () => Queue.RejectAsync(Admin, request.Id, "reject again", CancellationToken.None));
        await RefusedAsync("invalid_request", () => Get<CustomerActionExecutor>().ExecuteAsync(Admin, rejected, CancellationToken.None));
        await RefusedAsync("not_found", () => Queue.ApproveAsync(Admin, Guid.NewGuid(), "unknown", CancellationToken.None));
        Assert.Single(await EventsAsync(FourEyesQueue.Rejected));
    }

    [Fact]
    public async Task Approve_TwoApproversAtOnce_ExactlyOneWins()
    {
        var (tanaka, _) = await CustomerAsync("tanaka01");
        var pending = await Queue.RequestAsync(Operator, CustomerActionExecutor.RevokeAllLinks(tanaka, "all links of tanaka01"), Reason, CancellationToken.None);

        var attempts = await Task.WhenAll(new[] { SecondOperator, Admin }.Select(async approver =>
        {
            try
            {
                await Queue.ApproveAsync(approver, pending.Id, "checked with the customer", CancellationToken.None);
                return "approved";
            }
            catch (OperationRefusedException refused)
            {
                return refused.Code;
            }
        }));

        Assert.Equal(["approved", "conflict"], attempts.Order());
        Assert.Single(await EventsAsync(FourEyesQueue.Approved));
    }

    [Fact]
    public async Task Reject_ByTheRequester_IsAWithdrawal()
    {
        var pending = await Queue.RequestAsync(Admin, SuspendSandbox(), Reason, CancellationToken.None);

        var withdrawn = await Queue.RejectAsync(Admin, pending.Id, "asked by mistake", CancellationToken.None);

        Assert.Equal(PendingActionStatus.Rejected, withdrawn.Status);
        var rejected = Assert.Single(await EventsAsync(FourEyesQueue.Rejected));
        Assert.Contains("\"withdrawn\":true", rejected.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("client_secret")]
    [InlineData("otp_seed")]
    [InlineData("confirmation_pin")]
    [InlineData("onboarding_token")]
    [InlineData("Private-Key")]
    public async Task Request_PayloadNamingASecret_InvalidRequestAndNothingStored(string key)
    {
        var request = SuspendSandbox() with { Payload = new JsonObject { ["provider_id"] = "x", ["nested"] = new JsonArray(new JsonObject { [key] = "v" }) } };

        await RefusedAsync("invalid_request", () => Queue.RequestAsync(Admin, request, Reason, CancellationToken.None));

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pending_operator_actions"));
    }

    [Fact]
    public async Task Request_BadReasonTargetActionOrPayload_Refused()
    {
        await RefusedAsync("invalid_reason", () => Queue.RequestAsync(Admin, SuspendSandbox(), "no", CancellationToken.None));
        await RefusedAsync("invalid_reason", () => Queue.ApproveAsync(Operator, Guid.NewGuid(), null, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Queue.RequestAsync(Admin, SuspendSandbox() with { Target = " " }, Reason, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Queue.RequestAsync(Admin, SuspendSandbox() with { Action = "drop_everything" }, Reason, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Queue.RequestAsync(Admin, SuspendSandbox() with { Payload = new JsonObject { ["v"] = "123a4567@1b234c5de6789000" } }, Reason, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Queue.RequestAsync(Admin, SuspendSandbox() with { Payload = new JsonObject { ["v"] = new string('x', 9000) } }, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Queue.RequestAsync(Admin, SuspendSandbox() with { ProviderId = Guid.NewGuid() }, Reason, CancellationToken.None));

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM pending_operator_actions"));
    }

    [Fact]
    public void ExecutionReason_LongReason_CutToFitWithTheReference()
    {
        var pending = new PendingOperatorAction(Guid.NewGuid(), OperatorActionNames.LiftStop, OperatorRole.Operator, "t", null, null, new JsonObject(), new string('あ', 500),
            Guid.NewGuid(), "operator1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), PendingActionStatus.Approved, null, null, null, null);

        Assert.True(OperatorReason.TryNormalize(pending.ExecutionReason, out var normalised));
        Assert.EndsWith($"[four-eyes {pending.Id}]", normalised, StringComparison.Ordinal);
    }
}
