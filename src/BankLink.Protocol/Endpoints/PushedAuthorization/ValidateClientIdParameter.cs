using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>RFC 9126 §2.1: a client_id sent with the request must be the authenticated client's.</summary>
public sealed class ValidateClientIdParameter : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var clientId = context.Request.Get(Parameters.ClientId);
        if (clientId is not null && clientId != context.Client!.ClientId)
        {
            context.Reject(ErrorCatalogue.ClientIdMismatch, "client_id " + clientId + " authenticated as " + context.Client.ClientId);
        }

        return ValueTask.CompletedTask;
    }
}
