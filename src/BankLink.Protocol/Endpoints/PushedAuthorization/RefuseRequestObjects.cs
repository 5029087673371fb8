using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// RFC 9126 §2.1: request_uri must not be sent to the PAR endpoint; request objects (JAR) are not offered,
/// since PAR over an authenticated back channel already protects the parameters (FAPI 2.0 §5.3.1.2).
/// </summary>
public sealed class RefuseRequestObjects : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Get(Parameters.RequestUri) is not null || context.Request.Get(Parameters.Request) is not null)
        {
            context.Reject(ErrorCatalogue.RequestObjectUnsupported, "request or request_uri sent to PAR");
        }

        return ValueTask.CompletedTask;
    }
}
