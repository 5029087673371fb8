using BankLink.Protocol.Endpoints.Introspection;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Revocation;

/// <summary>
/// RFC 7009 §2.1: revokes the client's own token at once (every node checks the store on every use). An
/// unknown, expired or another client's token gets the same 200 (RFC 7009 §2.2), so revocation cannot be
/// used to probe for tokens.
/// </summary>
public sealed class RevokeToken(ITokenStore tokens) : IStep<TokenManagementContext>
{
    public async ValueTask ExecuteAsync(TokenManagementContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var token = await tokens.FindPresentedAsync(context.Request.Get(Parameters.Token), cancellationToken, TokenKind.AccessToken, TokenKind.RefreshToken);
        if (token is not null && token.ClientId == context.Client!.ClientId && token.Kind != StoredTokenKind.AuthorizationCode)
        {
            await tokens.RevokeAsync(token.Id, context.Now, cancellationToken);
        }

        context.Complete();
    }
}
