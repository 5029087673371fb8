using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// FAPI Grant Management §5.2 and §5.3: grant_management_action is create (the default, since
/// grant_management_action_required is false), merge or replace. create takes no grant_id; merge and replace
/// need one; a grant_id without an action, or an action BankLink does not know, is invalid_request. Whether
/// the grant_id names a grant this client may use is <see cref="ValidateGrantId"/>'s rule.
/// </summary>
public sealed class ValidateGrantManagementAction : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sent = context.Request.Get(Parameters.GrantManagementAction);
        var action = sent ?? GrantManagementActions.Create;
        var grantId = context.Request.Get(Parameters.GrantId);
        var valid = action switch
        {
            GrantManagementActions.Create => grantId is null,
            GrantManagementActions.Merge or GrantManagementActions.Replace => grantId is not null,
            _ => false,
        };
        if (!valid)
        {
            context.Reject(ErrorCatalogue.GrantManagementInvalid, $"grant_management_action {sent ?? "absent"}, grant_id {(grantId is null ? "absent" : "present")}");
            return ValueTask.CompletedTask;
        }

        context.Validated[Parameters.GrantManagementAction] = action;
        return ValueTask.CompletedTask;
    }
}
