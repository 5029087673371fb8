using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Token;

/// <summary>
/// client_credentials (RFC 6749 §4.4): a provider-level access token, for the grant management API only,
/// never for account data; DPoP-bound like every BankLink token (cnf.jkt, RFC 9449 §5), no refresh token.
/// </summary>
public sealed class IssueClientCredentialsToken(ITokenStore tokens, TokenOptions options) : IStep<TokenContext>
{
    private static readonly HashSet<string> ProviderScopes = [Scopes.GrantManagementQuery, Scopes.GrantManagementRevoke];

    public async ValueTask ExecuteAsync(TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GrantType != GrantTypes.ClientCredentials)
        {
            return;
        }

        var allowed = context.Client!.RegisteredScopes.Where(ProviderScopes.Contains).ToHashSet(StringComparer.Ordinal);
        var requested = context.Request.Get(Parameters.Scope)?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList()
            ?? [.. allowed.Order(StringComparer.Ordinal)];
        if (requested.Count == 0 || !requested.All(allowed.Contains))
        {
            context.Reject(ErrorCatalogue.ClientCredentialsScopeInvalid, "scope " + context.Request.Get(Parameters.Scope));
            return;
        }

        var value = OpaqueToken.Create(TokenKind.AccessToken);
        var scope = string.Join(' ', requested);
        await tokens.CreateAsync(new StoredToken(Guid.NewGuid(), StoredTokenKind.AccessToken, context.Client.ClientId, null, null, scope,
            context.DpopThumbprint, StoredTokenStatus.Active, context.Now, context.Now + options.AccessTokenLifetime), OpaqueToken.Hash(value), cancellationToken);
        context.Response = new JsonObject
        {
            [Parameters.AccessToken] = value,
            [Parameters.TokenType] = TokenTypes.DPoP,
            [Parameters.ExpiresIn] = (int)options.AccessTokenLifetime.TotalSeconds,
            [Parameters.Scope] = scope,
        };
        context.Complete();
    }
}
