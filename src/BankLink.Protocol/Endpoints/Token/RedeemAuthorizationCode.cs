using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Token;

/// <summary>
/// authorization_code (RFC 6749 §4.1.3): the code is this client's, unexpired, and used once. A second use
/// means it leaked: the request fails and the grant with every token the first use issued is revoked
/// (RFC 6749 §4.1.2, RFC 9700 §4.5). Two uses at the same moment: one UPDATE decides, the other is the replay.
/// </summary>
public sealed class RedeemAuthorizationCode(ITokenStore tokens) : IStep<TokenContext>
{
    public async ValueTask ExecuteAsync(TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GrantType != GrantTypes.AuthorizationCode)
        {
            return;
        }

        var code = context.Request.Get(Parameters.Code);
        var stored = await tokens.FindPresentedAsync(code, cancellationToken, TokenKind.AuthorizationCode);
        if (stored is null || stored.Kind != StoredTokenKind.AuthorizationCode || stored.ClientId != context.Client!.ClientId || stored.GrantId is null)
        {
            context.Reject(ErrorCatalogue.CodeInvalid, stored is null ? "unknown code" : "code of another client");
            return;
        }

        if (stored.Status == StoredTokenStatus.Redeemed || !await tokens.TryRedeemAsync(stored.Id, context.Now, cancellationToken))
        {
            if (stored.Status != StoredTokenStatus.Active || context.Now < stored.ExpiresAt)
            {
                await tokens.RevokeGrantAsync(stored.GrantId.Value, "authorization code used twice", context.Now, cancellationToken);
            }

            context.Reject(ErrorCatalogue.CodeInvalid, "code replayed or expired; grant " + stored.GrantId + " revoked");
            return;
        }

        context.Source = stored;
    }
}
