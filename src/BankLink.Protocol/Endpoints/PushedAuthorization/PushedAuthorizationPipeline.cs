using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Dpop;
using BankLink.Protocol.Endpoints.Shared;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>Pushed authorization requests (RFC 9126), required for every client, in the order the steps run.</summary>
public static class PushedAuthorizationPipeline
{
    public static Pipeline<PushedAuthorizationContext> Create(ClientAuthenticator authenticator, DpopProofValidator dpop, IReplayCache replayCache, IPushedRequestStore store, IGrantStore grants) => new(
    [
        // The request as sent: each parameter once, none too long.
        new RejectDuplicateParameters<PushedAuthorizationContext>(),
        new EnforceInputLimits<PushedAuthorizationContext>(),

        // Who sends it, and with which key (RFC 9126 §2.1: client authentication required; RFC 9449 §10).
        new AuthenticateClient<PushedAuthorizationContext>(authenticator),
        new ValidateDpopProof<PushedAuthorizationContext>(dpop, required: false),
        new RecordOneTimeUses<PushedAuthorizationContext>(replayCache),
        new ValidateDpopJkt(),
        new RefuseRequestObjects(),

        // What it asks for.
        new ValidateResponseType(),
        new ValidateRedirectUri(),
        new ValidatePkce(),
        new ValidateAuthorizationScope(),
        new ValidateAuthorizationParameters(),
        new ValidateGrantManagementAction(),
        new ValidateGrantId(grants),

        // A one-time reference for the browser to carry.
        new StorePushedRequest(store),
    ]);
}
