using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Dpop;
using BankLink.Protocol.Endpoints.Shared;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;

namespace BankLink.Protocol.Endpoints.Token;

/// <summary>The token endpoint (RFC 6749 §3.2), in the order the steps run.</summary>
public static class TokenPipeline
{
    public static Pipeline<TokenContext> Create(
        ClientAuthenticator authenticator, DpopProofValidator dpop, IReplayCache replayCache, ITokenStore tokens, ISigningKeys signingKeys, IPairwiseSubjects subjects, TokenOptions options) => new(
    [
        new RejectDuplicateParameters<TokenContext>(),
        new EnforceInputLimits<TokenContext>(),

        // Who asks, and the key every token will be bound to: a DPoP proof is required here (FAPI 2.0 §5.3.2.2).
        new AuthenticateClient<TokenContext>(authenticator),
        new ValidateGrantType(),
        new ValidateDpopProof<TokenContext>(dpop, required: true),
        new RecordOneTimeUses<TokenContext>(replayCache),

        // What the tokens are issued from; each step acts only on its own grant type.
        new RedeemAuthorizationCode(tokens),
        new VerifyCodeBinding(),
        new RedeemRefreshToken(tokens),

        // The tokens.
        new IssueGrantTokens(tokens, signingKeys, subjects, options),
        new IssueClientCredentialsToken(tokens, options),
    ]);
}
