using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>RFC 7592 §2.2: the validated metadata replaces the old (members not sent are gone), and the new configuration is returned.</summary>
public sealed class UpdateClient(IClientStore clients) : IStep<RegistrationContext>
{
    public async ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = context.Client!;
        var metadata = (JsonObject)context.Registered.DeepClone();
        await clients.UpdateMetadataAsync(client.ClientId, metadata, context.Now, cancellationToken);
        context.Response = ClientConfiguration.Describe(client.ClientId, metadata, client.CreatedAt, context.RegistrationEndpoint);
        context.Complete();
    }
}
