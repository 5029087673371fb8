using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BankLink.Jose;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Token;

/// <summary>
/// Issues the tokens of a customer's grant (RFC 6749 §5.1): a DPoP-bound access token (cnf.jkt), on a code
/// also a refresh token bound to the same key that never outlives the grant and, with openid, an ID token
/// (OIDC Core §3.1.3.3) with a pairwise sub, nonce, auth_time, acr, amr and at_hash; and the grant_id (FAPI
/// Grant Management §6).
/// </summary>
public sealed class IssueGrantTokens(ITokenStore tokens, ISigningKeys signingKeys, IPairwiseSubjects subjects, TokenOptions options)
    : IStep<TokenContext>
{
    public static readonly TimeSpan IdTokenLifetime = TimeSpan.FromMinutes(5);

    public async ValueTask ExecuteAsync(TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GrantType is not (GrantTypes.AuthorizationCode or GrantTypes.RefreshToken) || context.Source?.GrantId is not { } grantId)
        {
            return;
        }

        // The grant was read with the presented code or refresh token, as it is now (scope, expiry).
        var grant = context.Source.Grant ?? throw new InvalidOperationException("A token's grant is missing.");
        var client = context.Client!;
        var subject = await subjects.ForAsync(grant.ProviderId, grant.CustomerId, cancellationToken);
        var jkt = context.DpopThumbprint!;
        string? rotatedRefreshToken = null;
        if (context.GrantType == GrantTypes.RefreshToken && RedeemRefreshToken.RotationEnabled(context))
        {
            // Rotate first: a reuse must issue nothing at all.
            rotatedRefreshToken = OpaqueToken.Create(TokenKind.RefreshToken);
            var successor = new StoredToken(Guid.NewGuid(), StoredTokenKind.RefreshToken, client.ClientId, grantId, subject, grant.Scope, jkt,
                StoredTokenStatus.Active, context.Now, grant.ExpiresAt);
            var outcome = await tokens.RotateRefreshTokenAsync(context.Source.Id, successor, OpaqueToken.Hash(rotatedRefreshToken), options.RefreshTokenReuseLeeway, context.Now, cancellationToken);
            if (outcome == RotationOutcome.ReuseDetected)
            {
                context.Reject(Primitives.ErrorCatalogue.RefreshTokenReused, "refresh token reused; grant " + grantId + " revoked");
                return;
            }
        }

        var accessExpiry = Min(context.Now + options.AccessTokenLifetime, grant.ExpiresAt);
        var accessToken = OpaqueToken.Create(TokenKind.AccessToken);
        await tokens.CreateAsync(new StoredToken(Guid.NewGuid(), StoredTokenKind.AccessToken, client.ClientId, grantId, subject, grant.Scope, jkt,
            StoredTokenStatus.Active, context.Now, accessExpiry), OpaqueToken.Hash(accessToken), cancellationToken);

        var response = new JsonObject
        {
            [Parameters.AccessToken] = accessToken,
            [Parameters.TokenType] = TokenTypes.DPoP,
            [Parameters.ExpiresIn] = (int)(accessExpiry - context.Now).TotalSeconds,
            [Parameters.Scope] = grant.Scope,
            [Parameters.GrantId] = grantId.ToString(),
        };

        if (rotatedRefreshToken is not null)
        {
            response[Parameters.RefreshToken] = rotatedRefreshToken;
        }

        if (context.GrantType == GrantTypes.AuthorizationCode)
        {
            if (client.Registers(GrantTypes.RefreshToken))
            {
                var refreshToken = OpaqueToken.Create(TokenKind.RefreshToken);
                await tokens.CreateAsync(new StoredToken(Guid.NewGuid(), StoredTokenKind.RefreshToken, client.ClientId, grantId, subject, grant.Scope, jkt,
                    StoredTokenStatus.Active, context.Now, grant.ExpiresAt), OpaqueToken.Hash(refreshToken), cancellationToken);
                response[Parameters.RefreshToken] = refreshToken;
            }

            if (grant.Scope.Split(' ').Contains(Scopes.OpenId))
            {
                response[Parameters.IdToken] = await IdTokenAsync(context, subject, accessToken, cancellationToken);
            }
        }

        context.Response = response;
        context.Complete();
    }

    private async Task<string> IdTokenAsync(TokenContext context, string subject, string accessToken, CancellationToken cancellationToken)
    {
        var payload = context.Source!.Payload!;
        var algorithmName = context.Client!.Metadata[Parameters.IdTokenSignedResponseAlg]?.GetValue<string>() ?? "ES256";
        var algorithm = JwsAlgorithms.TryParse(algorithmName, out var parsed) ? parsed : JwsAlgorithm.ES256;
        var key = await signingKeys.GetSigningKeyAsync(algorithm, cancellationToken);
        var claims = new JsonObject
        {
            ["iss"] = context.Issuer,
            ["sub"] = subject,
            ["aud"] = context.Client.ClientId,
            ["iat"] = context.Now.ToUnixTimeSeconds(),
            ["exp"] = (context.Now + IdTokenLifetime).ToUnixTimeSeconds(),
            ["auth_time"] = payload["auth_time"]?.GetValue<long>(),
            ["at_hash"] = AtHash(accessToken),
        };

        // How the customer logged in, as recorded with the code at consent (OIDC Core §2 acr, RFC 8176 amr).
        if (payload["amr"] is JsonArray amr)
        {
            var methods = amr.Select(method => method!.GetValue<string>()).ToArray();
            claims["acr"] = AuthenticationContextClasses.For(methods);
            claims["amr"] = new JsonArray([.. methods.Select(method => (JsonNode)method)]);
        }
        if (payload[Parameters.Nonce]?.GetValue<string>() is { } nonce)
        {
            claims[Parameters.Nonce] = nonce;
        }

        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = algorithm, KeyId = key.Kid, Type = "JWT" }, claims, key);
    }

    /// <summary>OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token (every algorithm here hashes with SHA-256).</summary>
    internal static string AtHash(string accessToken) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)).AsSpan(0, 16));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
