using System.Net;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.FourEyes;
using BankLink.DemoBank;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BankLink.Server.Tests.Admin;

/// <summary>
/// <see cref="OperatorActions"/>, the one entry point of mutating operator actions, with four-eyes configured for more
/// actions than the default: the secret of an onboarding token made at execution for the approver, execution at most
/// once (also when two approvers race), a target changed since the request refused and recorded, and expiry.
/// </summary>
public sealed class OperatorActionsTests : AdminApiTestBase
{
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["BankLink:Operators:FourEyes"] = "provider_suspend,revoke_all_links,onboarding_token_issue,lift_stop",
    };

    [Fact]
    public async Task IssueOnboardingToken_UnderFourEyes_PayloadWithoutSecret_ApproverGetsTheToken()
    {
        var pending = await PostAsync("IssueOnboardingToken", $"/admin/v1/providers/{SandboxProvider.Id}/onboarding-tokens", Admin,
            new { reason = "approved staff, form 12", personName = "Hanako Yamada" });

        Assert.Equal(HttpStatusCode.Accepted, pending.Status);
        Assert.Equal("Hanako Yamada", pending.Json.GetProperty("payload").GetProperty("person_name").GetString());
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM onboarding_tokens WHERE person_name = 'Hanako Yamada'"));

        var approved = await PostAsync("ApproveApproval", $"/admin/v1/approvals/{pending.Json.GetProperty("id").GetGuid()}/approve", SecondAdmin, Reason("form checked"));

        Assert.Equal(HttpStatusCode.OK, approved.Status);
        var result = approved.Json.GetProperty("result");
        Assert.Equal("onboarding_token_issue", result.GetProperty("action").GetString());
        Assert.Matches("^[0-9A-Za-z]{8}@[0-9A-Za-z]{16}$", result.GetProperty("token").GetString());
        Assert.Equal(SecondAdmin.LoginId, result.GetProperty("onboardingToken").GetProperty("issuedBy").GetString());
    }

    [Fact]
    public async Task Approve_TargetChangedMeanwhile_RefusedAndRecorded_NeverRunAgain()
    {
        await Database.ExecuteAsync("UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = now() WHERE login_id = 'tanaka01'");
        var customerId = await CustomerIdAsync();
        var pending = await PostAsync("LiftStop", $"/admin/v1/customers/{customerId}/lift-stop", Operator, Reason("identity checked at the branch"));
        var id = pending.Json.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Accepted, pending.Status);
        await Database.ExecuteAsync("UPDATE customers SET status = 'active', consecutive_failures = 0, stopped_at = NULL WHERE id = $1", customerId);

        var refused = await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", SecondAdmin, Reason("looks right"));
        AssertRefused(refused, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(id, refused.Json.GetProperty("approvalId").GetGuid());

        var shown = await GetAsync("GetApproval", $"/admin/v1/approvals/{id}", Viewer);
        Assert.Equal("approved", shown.Json.GetProperty("status").GetString());
        Assert.Equal("refused:conflict", shown.Json.GetProperty("executionOutcome").GetString());
        Assert.Equal(1, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE event_type = $1 AND detail::jsonb->>'request_id' = $2", OperatorActions.ExecutionRefused, id.ToString()));
        AssertRefused(await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", Admin, Reason("try again")), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Approve_TwoApproversAtOnce_ExecutedExactlyOnce()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        await ResourceApiTests.LinkAsync(provider);
        var customerId = await CustomerIdAsync();
        var others = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OperatorTestAccounts.CreateAsync(App, Domain.Operators.OperatorRole.Operator)));
        var id = (await PostAsync("RevokeAllLinks", $"/admin/v1/customers/{customerId}/links/revoke-all", Operator, Reason("fraud suspected, case 99")))
            .Json.GetProperty("id").GetGuid();

        var answers = await Task.WhenAll(others.Select(o => PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", o, Reason("fraud team agrees"))));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => AssertRefused(a, HttpStatusCode.Conflict, "conflict"));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'four_eyes_approved'"));
    }

    [Fact]
    public async Task RunAsync_DirectCall_RoleAndReasonCheckedBeforeAnythingIsStored()
    {
        var actions = App.Services.GetRequiredService<OperatorActions>();
        var customerId = await CustomerIdAsync();
        var viewer = new OperatorActor(Viewer.Id, Viewer.LoginId, Domain.Operators.OperatorRole.Viewer);
        var operatorActor = new OperatorActor(Operator.Id, Operator.LoginId, Domain.Operators.OperatorRole.Operator);

        var forbidden = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            actions.RunAsync(viewer, CustomerActionExecutor.RevokeAllLinks(customerId, "all links"), "fraud suspected", CancellationToken.None));
        var noReason = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            actions.RunAsync(operatorActor, CustomerActionExecutor.RevokeAllLinks(customerId, "all links"), " ", CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            actions.RunAsync(operatorActor, new OperatorActionRequest("drop_database", "everything", new()), "fraud suspected", CancellationToken.None));
        var badPayload = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            actions.RunAsync(operatorActor, new OperatorActionRequest(OperatorActionNames.RevokeAllLinks, "all links", new() { ["customer_id"] = "x" }),
                "fraud suspected", CancellationToken.None));

        Assert.Equal(["forbidden", "invalid_reason", "invalid_request", "invalid_request"], new[] { forbidden.Code, noReason.Code, unknown.Code, badPayload.Code });
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM pending_operator_actions"));
        Assert.True(actions.RequiresApproval(OperatorActionNames.LiftStop));
        Assert.False(actions.RequiresApproval(OperatorActionNames.RevokeLink));
    }

    [Fact]
    public async Task ExpirySweep_RunsOnEveryNode_MarksRequestsPastTheirDayExpired()
    {
        Assert.Contains(App.Services.GetServices<IHostedService>(), s => s.GetType().Name == "FourEyesExpirySweep");
        var customerId = await CustomerIdAsync();
        var id = (await PostAsync("RevokeAllLinks", $"/admin/v1/customers/{customerId}/links/revoke-all", Operator, Reason("fraud suspected, case 99")))
            .Json.GetProperty("id").GetGuid();
        await Database.ExecuteAsync("UPDATE pending_operator_actions SET requested_at = requested_at - interval '2 days', expires_at = expires_at - interval '2 days' WHERE id = $1", id);

        // A node starting now sweeps at once (then every minute).
        await using var another = new BankLinkApp(Database.ConnectionString, Settings);
        _ = another.Services;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await Database.ScalarAsync<string>("SELECT status FROM pending_operator_actions WHERE id = $1", id) != "expired" && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
        }

        Assert.Equal("expired", await Database.ScalarAsync<string>("SELECT status FROM pending_operator_actions WHERE id = $1", id));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'four_eyes_expired'"));
        AssertRefused(await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", Admin, Reason("too late")), HttpStatusCode.Conflict, "conflict");
    }
}
