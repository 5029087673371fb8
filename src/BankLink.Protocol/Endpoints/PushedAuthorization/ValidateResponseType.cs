using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>response_type=code only (FAPI 2.0 §5.3.2.2), for a client registered for the authorization_code grant.</summary>
public sealed class ValidateResponseType : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Get(Parameters.ResponseType) != ResponseTypes.Code || !context.Client!.Registers(GrantTypes.AuthorizationCode))
        {
            context.Reject(ErrorCatalogue.ResponseTypeUnsupported, "response_type " + context.Request.Get(Parameters.ResponseType));
            return ValueTask.CompletedTask;
        }

        context.Validated[Parameters.ResponseType] = ResponseTypes.Code;
        return ValueTask.CompletedTask;
    }
}
