using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// FAPI Grant Management §5.2: grant_management_action create (the default, no grant_id). merge and replace
/// (which re-consent onto an existing grant) come with the re-consent page of the customer journey; until
/// then they are refused here, and the server metadata advertises create only.
/// </summary>
public sealed class ValidateGrantManagementAction : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var action = context.Request.Get(Parameters.GrantManagementAction) ?? GrantManagementActions.Create;
        var grantId = context.Request.Get(Parameters.GrantId);
        var valid = action switch
        {
            GrantManagementActions.Create => grantId is null,
            GrantManagementActions.Merge or GrantManagementActions.Replace => false,
            _ => false,
        };
        if (!valid)
        {
            context.Reject(ErrorCatalogue.GrantManagementInvalid, $"grant_management_action {action}, grant_id {(grantId is null ? "absent" : "present")}");
            return ValueTask.CompletedTask;
        }

        context.Validated[Parameters.GrantManagementAction] = action;
        if (grantId is not null)
        {
            context.Validated[Parameters.GrantId] = grantId;
        }

        return ValueTask.CompletedTask;
    }
}
