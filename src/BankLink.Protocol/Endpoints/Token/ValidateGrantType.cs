using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Token;

/// <summary>
/// grant_type (RFC 6749 §4): present, offered by this server, and one the client registered.
/// </summary>
public sealed class ValidateGrantType : IStep<TokenContext>
{
    public static readonly IReadOnlySet<string> Offered = new HashSet<string>(StringComparer.Ordinal)
    {
        GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials,
    };

    public ValueTask ExecuteAsync(TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var grantType = context.Request.Get(Parameters.GrantType);
        if (grantType is null)
        {
            context.Reject(ErrorCatalogue.GrantTypeMissing);
        }
        else if (!Offered.Contains(grantType))
        {
            context.Reject(ErrorCatalogue.GrantTypeUnsupported, "grant_type " + grantType);
        }
        else if (!context.Client!.Registers(grantType))
        {
            context.Reject(ErrorCatalogue.GrantTypeNotRegistered, grantType + " not registered by " + context.Client.ClientId);
        }
        else
        {
            context.GrantType = grantType;
        }

        return ValueTask.CompletedTask;
    }
}
