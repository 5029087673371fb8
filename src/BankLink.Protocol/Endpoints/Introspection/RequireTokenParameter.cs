using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Introspection;

/// <summary>RFC 7662 §2.1 and RFC 7009 §2.1: the token parameter is required.</summary>
public sealed class RequireTokenParameter : IStep<TokenManagementContext>
{
    public ValueTask ExecuteAsync(TokenManagementContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Get(Parameters.Token) is null)
        {
            context.Reject(ErrorCatalogue.TokenParameterMissing);
        }

        return ValueTask.CompletedTask;
    }
}
