using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Pipeline;

namespace BankLink.Protocol.Endpoints.Shared;

/// <summary>The client proves who it is, the way it registered (see <see cref="ClientAuthenticator"/>).</summary>
public sealed class AuthenticateClient<TContext>(ClientAuthenticator authenticator) : IStep<TContext> where TContext : BackChannelContext
{
    public async ValueTask ExecuteAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await authenticator.AuthenticateAsync(context.Credentials, context.Issuer, cancellationToken);
        if (result.Error is not null)
        {
            context.Reject(result.Error, result.Detail);
            return;
        }

        context.Client = result.Client;
    }
}
