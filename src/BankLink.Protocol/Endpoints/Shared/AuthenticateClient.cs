using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Pipeline;

namespace BankLink.Protocol.Endpoints.Shared;

/// <summary>
/// The client proves who it is, the way it registered (see <see cref="ClientAuthenticator"/>). The assertion's
/// jti is left for <see cref="RecordOneTimeUses{TContext}"/>, which records it with the DPoP proof's in one write.
/// </summary>
public sealed class AuthenticateClient<TContext>(ClientAuthenticator authenticator) : IStep<TContext> where TContext : BackChannelContext
{
    public async ValueTask ExecuteAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await authenticator.VerifyAsync(context.Credentials, context.Issuer, cancellationToken);
        if (result.Error is not null)
        {
            context.Reject(result.Error, result.Detail);
            return;
        }

        context.Client = result.Client;
        if (result.AssertionUse is { } use)
        {
            var replayed = ClientAuthenticator.Replayed(result.Client!);
            context.PendingOneTimeUses.Add(new PendingOneTimeUse(use, replayed.Error!, replayed.Detail!));
        }
    }
}
