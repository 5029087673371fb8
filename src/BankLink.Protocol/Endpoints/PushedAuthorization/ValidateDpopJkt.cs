using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// RFC 9449 §10: the authorization code will be bound to the DPoP key named by dpop_jkt, or, when only a
/// proof was sent with the PAR request, to that proof's key; when both come they must agree.
/// </summary>
public sealed class ValidateDpopJkt : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jkt = context.Request.Get(Parameters.DpopJkt);
        if (jkt is not null && (jkt.Length != 43 || !System.Buffers.Text.Base64Url.IsValid(jkt)
            || (context.DpopThumbprint is not null && jkt != context.DpopThumbprint)))
        {
            context.Reject(ErrorCatalogue.DpopJktMismatch, "dpop_jkt " + jkt);
            return ValueTask.CompletedTask;
        }

        if ((jkt ?? context.DpopThumbprint) is { } bound)
        {
            context.Validated[Parameters.DpopJkt] = bound;
        }

        return ValueTask.CompletedTask;
    }
}
