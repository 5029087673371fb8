using System.Diagnostics;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// FAPI Grant Management §5.2: the grant_id of a merge or replace must name a grant issued to this client
/// (grant ids are public identifiers, §10), still active and unexpired; otherwise §5.3 invalid_grant_id. An
/// unknown id, another client's grant and an ended grant get the same answer, so a client never learns whether
/// someone else's grant exists. Whether the customer who logs in holds the grant is checked at consent.
/// </summary>
public sealed class ValidateGrantId(IGrantStore grants) : IStep<PushedAuthorizationContext>
{
    public async ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var grantId = context.Request.Get(Parameters.GrantId);
        if (grantId is null)
        {
            Debug.Assert(context.Validated[Parameters.GrantManagementAction]?.GetValue<string>() == GrantManagementActions.Create, "Only create goes without a grant_id.");
            return;
        }

        // BankLink issues grant ids as GUIDs in the "D" format; anything else cannot be one of its grants.
        var grant = Guid.TryParseExact(grantId, "D", out var id) ? await grants.FindAsync(id, cancellationToken) : null;
        var refusal = grant switch
        {
            null => "unknown grant_id",
            _ when grant.ClientId != context.Client!.ClientId => "grant_id of another client",
            _ when grant.Status != GrantStatus.Active => "grant_id of a revoked grant",
            _ when !grant.IsActiveAt(context.Now) => "grant_id of an expired grant",
            _ => null,
        };
        if (refusal is not null)
        {
            context.Reject(ErrorCatalogue.GrantIdInvalid, refusal);
            return;
        }

        context.Validated[Parameters.GrantId] = id.ToString();
    }
}
