using BankLink.Data.Operations;
using BankLink.Data.Operations.FourEyes;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>
/// Four-eyes approvals (issue 6): the requests waiting for a decision and any one request for any role; approving
/// (another operator with the action's role, who then executes it at once and gets its result) and rejecting (or
/// withdrawing one's own) for operators and admins. The queue and <see cref="OperatorActions"/> check who may decide.
/// </summary>
public static class AdminApprovalsApi
{
    public static RouteGroupBuilder MapAdminApprovalsApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/approvals", async (HttpContext http, FourEyesQueue queue, CancellationToken ct) =>
            TypedResults.Ok(new AdminApprovalList([.. (await queue.ListPendingAsync(http.RequireOperator(), ct)).Select(p => AdminModels.Approval(p, null))])));

        group.MapGet("/approvals/{id}", async (HttpContext http, string id, FourEyesQueue queue, OperatorActions actions, CancellationToken ct) =>
        {
            var pending = await queue.GetAsync(http.RequireOperator(), AdminProblems.Id(id, "approval"), ct);
            return TypedResults.Ok(AdminModels.Approval(pending, await actions.GetExecutionAsync(pending.Id, ct)));
        });

        group.MapPost("/approvals/{id}/approve", async (HttpContext http, string id, FourEyesQueue queue, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var actor = http.RequireOperator();
            var requestId = AdminProblems.Id(id, "approval");
            OperatorActionOutcome outcome;
            try
            {
                outcome = await actions.ApproveAsync(actor, requestId, body.Reason ?? "", ct);
            }
            catch (OperationRefusedException refused) when (refused.SpentApprovalId is not null)
            {
                // Approved, then refused by the action itself (its target changed since the request): the approval is
                // spent, so the tool is told so, with the request to read (executionOutcome) and to ask again if needed.
                return AdminProblems.Problem(AdminProblems.Status(refused.Code), refused.Code,
                    "Approved, but the action was refused when it ran, and it will not run again: " + refused.Message,
                    new Dictionary<string, object?> { ["approvalId"] = requestId });
            }

            var approvalId = outcome.PendingId!.Value;
            var approval = AdminModels.Approval(await queue.GetAsync(actor, approvalId, ct), await actions.GetExecutionAsync(approvalId, ct));
            return TypedResults.Ok(new AdminApprovalExecution(approval, AdminModels.ActionResult(outcome.Result!)));
        }).RequireAuthorization(OperatorPolicies.Operator);

        group.MapPost("/approvals/{id}/reject", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var rejected = await actions.RejectAsync(http.RequireOperator(), AdminProblems.Id(id, "approval"), body.Reason ?? "", ct);
            return TypedResults.Ok(AdminModels.Approval(rejected, null));
        }).RequireAuthorization(OperatorPolicies.Operator);
        return group;
    }
}
