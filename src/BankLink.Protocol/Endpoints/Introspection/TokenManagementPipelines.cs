using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Endpoints.Revocation;
using BankLink.Protocol.Endpoints.Shared;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.Introspection;

/// <summary>Introspection (RFC 7662) and revocation (RFC 7009): the same checks, then their own step.</summary>
public sealed class TokenManagementPipelines(ClientAuthenticator authenticator, IReplayCache replayCache, ITokenStore tokens)
{
    public Pipeline<TokenManagementContext> Introspect { get; } = new(
    [
        new RejectDuplicateParameters<TokenManagementContext>(),
        new EnforceInputLimits<TokenManagementContext>(),
        new AuthenticateClient<TokenManagementContext>(authenticator),
        new RecordOneTimeUses<TokenManagementContext>(replayCache),
        new RequireTokenParameter(),
        new IntrospectToken(tokens),
    ]);

    public Pipeline<TokenManagementContext> Revoke { get; } = new(
    [
        new RejectDuplicateParameters<TokenManagementContext>(),
        new EnforceInputLimits<TokenManagementContext>(),
        new AuthenticateClient<TokenManagementContext>(authenticator),
        new RecordOneTimeUses<TokenManagementContext>(replayCache),
        new RequireTokenParameter(),
        new RevokeToken(tokens),
    ]);
}
