using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// token_endpoint_auth_method: private_key_jwt (RFC 7523) for FAPI 2.0 clients, the only method FAPI 2.0
/// §5.3.2.1 leaves besides mTLS; client_secret_basic only for clients registered as non-FAPI. Omitted, it
/// defaults to the profile's method (RFC 7591 §3.2.1 lets the server substitute, and the response says so).
/// </summary>
public sealed class ValidateTokenEndpointAuthMethod : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!MetadataReader.TryGetString(context.Request, Parameters.TokenEndpointAuthMethod, out var method))
        {
            context.Reject(ErrorCatalogue.MetadataWrongType, "token_endpoint_auth_method not a string");
            return ValueTask.CompletedTask;
        }

        var isFapi = context.Profile == Profiles.Fapi2;
        method ??= isFapi ? ClientAuthenticationMethods.PrivateKeyJwt : ClientAuthenticationMethods.ClientSecretBasic;
        var allowed = method == ClientAuthenticationMethods.PrivateKeyJwt
            || (method == ClientAuthenticationMethods.ClientSecretBasic && !isFapi);
        if (!allowed)
        {
            context.Reject(ErrorCatalogue.AuthMethodNotAllowed, $"{method} with profile {context.Profile}");
            return ValueTask.CompletedTask;
        }

        context.TokenEndpointAuthMethod = method;
        context.Registered[Parameters.TokenEndpointAuthMethod] = method;
        return ValueTask.CompletedTask;
    }
}
