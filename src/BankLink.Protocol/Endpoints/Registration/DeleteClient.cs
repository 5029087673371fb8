using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// RFC 7592 §2.3: the client stops existing for the protocol; its registration access token stops working
/// with it. (Its grants and tokens are ended with it once grants exist in the engine.)
/// </summary>
public sealed class DeleteClient(IClientStore clients) : IStep<RegistrationContext>
{
    public async ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await clients.DeleteAsync(context.Client!.ClientId, context.Now, cancellationToken);
        context.Complete();
    }
}
