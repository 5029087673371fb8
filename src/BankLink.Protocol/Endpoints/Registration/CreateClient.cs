using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// Stores the client and answers RFC 7591 §3.2.1: the registered metadata with client_id, and the RFC 7592
/// §3 registration access token and client URI. Secrets appear once, in this response; only their
/// SHA-256 is stored (they are 256-bit random, so a fast hash is enough: STYLE.md 8).
/// </summary>
public sealed class CreateClient(IClientStore clients, IOnboardingTokenVerifier onboardingTokens) : IStep<RegistrationContext>
{
    public async ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var grantee = context.Grantee ?? throw new InvalidOperationException("CreateClient runs after ValidateOnboardingToken.");
        var clientId = "blc_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        var registrationAccessToken = OpaqueToken.Create(TokenKind.RegistrationAccessToken);
        var secret = context.TokenEndpointAuthMethod == ClientAuthenticationMethods.ClientSecretBasic ? OpaqueToken.Create(TokenKind.ClientSecret) : null;

        await clients.CreateAsync(new NewClient(
            clientId, grantee.ProviderId, grantee.TokenId, context.Profile, context.TokenEndpointAuthMethod,
            (JsonObject)context.Registered.DeepClone(), secret is null ? null : OpaqueToken.Hash(secret),
            OpaqueToken.Hash(registrationAccessToken), context.Now), cancellationToken);
        await onboardingTokens.MarkUsedAsync(grantee.TokenId, cancellationToken);

        var response = ClientConfiguration.Describe(clientId, context.Registered, context.Now, context.RegistrationEndpoint);
        response[Parameters.RegistrationAccessToken] = registrationAccessToken;
        if (secret is not null)
        {
            response[Parameters.ClientSecret] = secret;
            response[Parameters.ClientSecretExpiresAt] = 0; // RFC 7591 §3.2.1: 0 = does not expire
        }

        context.Response = response;
        context.Complete();
    }
}
