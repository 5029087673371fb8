using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>An RFC 7592 update keeps the profile and token_endpoint_auth_method the client was registered with.</summary>
public sealed class KeepAuthenticationMethod : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = context.Client ?? throw new InvalidOperationException("KeepAuthenticationMethod runs after ValidateRegistrationAccessToken.");
        if (context.Profile != client.Profile || context.TokenEndpointAuthMethod != client.TokenEndpointAuthMethod)
        {
            context.Reject(ErrorCatalogue.UpdateIdentityInvalid, $"profile/auth method change {client.Profile}/{client.TokenEndpointAuthMethod} to {context.Profile}/{context.TokenEndpointAuthMethod}");
        }

        return ValueTask.CompletedTask;
    }
}
