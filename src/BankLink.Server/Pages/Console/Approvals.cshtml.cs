using BankLink.Data.Operations;
using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.Providers;
using BankLink.Domain.Operators;
using Microsoft.AspNetCore.Mvc;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// Four-eyes requests waiting for a decision (any role sees them); another operator with the action's role approves
/// one (it is carried out at once, as them) or rejects it, with a reason; the requester may withdraw their own. An
/// approval by the requester is refused and the page says why. An approved onboarding token is made at that moment and
/// shown to the approver once, in the answer to the POST.
/// </summary>
public sealed class ConsoleApprovalsModel(FourEyesQueue queue, OperatorActions actions) : ConsolePageModel
{
    [BindProperty(Name = "request")]
    public Guid? RequestId { get; set; }

    public IReadOnlyList<PendingOperatorAction> Requests { get; private set; } = [];

    /// <summary>An onboarding token the approval just made, with its secret: in this answer only.</summary>
    public IssuedOnboardingTokenSecret? NewToken { get; private set; }

    public bool CanDecide => Allows(OperatorRole.Operator);

    public override string? Done => DoneCode switch
    {
        "approved" => "Approved and carried out.",
        "rejected" => "Rejected: nothing was changed.",
        _ => null,
    };

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostApproveAsync() => ChangeAndAnswerAsync(OperatorRole.Operator,
        (actor, reason) => actions.ApproveAsync(actor, RequestId ?? throw NoRequest(), reason, Aborted),
        async outcome =>
        {
            if ((outcome.Result as ProviderActionOutcome)?.IssuedToken is { } token)
            {
                NewToken = token;
                DoneCode = "approved";
                await LoadAsync();
                return Page();
            }

            return LocalRedirect("/console/approvals?done=approved");
        },
        LoadAsync);

    public Task<IActionResult> OnPostRejectAsync() => ChangeAsync(OperatorRole.Operator, "/console/approvals", "rejected", async (actor, reason) =>
    {
        await actions.RejectAsync(actor, RequestId ?? throw NoRequest(), reason, Aborted);
        return new OperatorActionOutcome(false, RequestId, null);
    }, LoadAsync);

    public bool IsOwn(PendingOperatorAction request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.RequestedById == Operator.OperatorId;
    }

    private static OperationRefusedException NoRequest() => new("invalid_request", "Name the four-eyes request to decide.");

    private async Task LoadAsync() => Requests = await queue.ListPendingAsync(Operator, Aborted);
}
