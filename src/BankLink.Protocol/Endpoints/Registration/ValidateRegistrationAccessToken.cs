using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// RFC 7592 §2: the client configuration endpoint answers only to the registration access token issued
/// with that client. A wrong token and an unknown or deleted client give the same 401 (RFC 7592 §2.1).
/// </summary>
public sealed class ValidateRegistrationAccessToken(IClientStore clients) : IStep<RegistrationContext>
{
    public async ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ClientId is not { Length: > 0 and <= 64 } clientId || !OpaqueToken.IsWellFormed(context.BearerToken, TokenKind.RegistrationAccessToken))
        {
            context.Reject(ErrorCatalogue.RegistrationAccessTokenInvalid, "missing or malformed registration access token");
            return;
        }

        context.Client = await clients.FindByRegistrationAccessTokenAsync(clientId, OpaqueToken.Hash(context.BearerToken!), cancellationToken);
        if (context.Client is null)
        {
            context.Reject(ErrorCatalogue.RegistrationAccessTokenInvalid, "no active client " + clientId + " with that registration access token");
        }
    }
}
