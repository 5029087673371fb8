using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// FAPI Grant Management §5.2: grant_management_action create (the default, no grant_id), merge or replace
/// (with the grant_id of one of this client's grants). Whether the grant exists and is the client's is
/// checked where the grant is used, at the authorization step, in one transaction with the consent.
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
            GrantManagementActions.Merge or GrantManagementActions.Replace => grantId is { Length: > 0 and <= 64 } && grantId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
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
