using BankLink.Protocol.Pipeline;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>RFC 7592 §2.1: a read returns the client's current configuration. The registration access token is not repeated.</summary>
public sealed class ReturnClientConfiguration : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response = ClientConfiguration.Describe(context.Client!, context.RegistrationEndpoint);
        context.Complete();
        return ValueTask.CompletedTask;
    }
}
