using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Introspection;

/// <summary>
/// RFC 7662 §2.2: what an active token is; for anything else, only <c>{"active": false}</c>. A client learns
/// about its own tokens only: another client's token is reported inactive (RFC 7662 §4, token scanning).
/// </summary>
public sealed class IntrospectToken(ITokenStore tokens) : IStep<TokenManagementContext>
{
    public async ValueTask ExecuteAsync(TokenManagementContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var token = await tokens.FindPresentedAsync(context.Request.Get(Parameters.Token), cancellationToken, TokenKind.AccessToken, TokenKind.RefreshToken);
        if (token is null || token.ClientId != context.Client!.ClientId || !token.IsActiveAt(context.Now) || token.Kind == StoredTokenKind.AuthorizationCode)
        {
            context.Response = new JsonObject { [Parameters.Active] = false };
            context.Complete();
            return;
        }

        var response = new JsonObject
        {
            [Parameters.Active] = true,
            [Parameters.Scope] = token.Scope,
            [Parameters.ClientId] = token.ClientId,
            [Parameters.TokenType] = token.Kind == StoredTokenKind.AccessToken ? TokenTypes.DPoP : "refresh_token",
            ["exp"] = token.ExpiresAt.ToUnixTimeSeconds(),
            ["iat"] = token.CreatedAt.ToUnixTimeSeconds(),
            ["iss"] = context.Issuer,
        };
        if (token.Subject is not null)
        {
            response["sub"] = token.Subject;
        }

        if (token.GrantId is { } grantId)
        {
            response[Parameters.GrantId] = grantId.ToString();
        }

        if (token.Jkt is not null)
        {
            response["cnf"] = new JsonObject { ["jkt"] = token.Jkt }; // RFC 9449 §6.2
        }

        context.Response = response;
        context.Complete();
    }
}
