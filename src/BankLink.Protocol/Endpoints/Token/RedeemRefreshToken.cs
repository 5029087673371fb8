using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Token;

/// <summary>
/// refresh_token (RFC 6749 §6): the client's own, unexpired token of a live grant, presented with a proof
/// of the DPoP key it is bound to (RFC 9449 §5). Not rotated (FAPI 2.0 advises against rotation for
/// confidential clients): the same refresh token keeps working until the grant ends. With rotation switched
/// on for the client, a replaced token goes on to the rotation rules (retry or reuse) in <see cref="IssueGrantTokens"/>.
/// </summary>
public sealed class RedeemRefreshToken(ITokenStore tokens) : IStep<TokenContext>
{
    public async ValueTask ExecuteAsync(TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GrantType != GrantTypes.RefreshToken)
        {
            return;
        }

        var value = context.Request.Get(Parameters.RefreshToken);
        var stored = await tokens.FindPresentedAsync(value, cancellationToken, TokenKind.RefreshToken);
        if (stored is null || stored.Kind != StoredTokenKind.RefreshToken || stored.ClientId != context.Client!.ClientId)
        {
            context.Reject(ErrorCatalogue.RefreshTokenInvalid, stored is null ? "unknown refresh token" : "refresh token of another client");
        }
        else if (!stored.IsActiveAt(context.Now) && !(RotationEnabled(context) && stored.Status == StoredTokenStatus.Redeemed && stored.GrantActive && context.Now < stored.ExpiresAt))
        {
            context.Reject(ErrorCatalogue.RefreshTokenEnded, $"refresh token {stored.Status}, grant active {stored.GrantActive}");
        }
        else if (stored.Jkt != context.DpopThumbprint)
        {
            context.Reject(ErrorCatalogue.WrongSender, "refresh token bound to another DPoP key");
        }
        else
        {
            context.Source = stored;
        }
    }

    internal static bool RotationEnabled(TokenContext context) =>
        context.Client!.Metadata[Parameters.BankLinkRefreshTokenRotation]?.GetValue<bool>() == true;
}
