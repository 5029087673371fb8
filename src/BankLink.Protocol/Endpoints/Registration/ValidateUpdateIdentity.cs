using System.Text.Json;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// RFC 7592 §2.2: an update names the client it updates (client_id, matching the path), must not send
/// the server-issued members (registration_access_token, registration_client_uri, client_secret_expires_at,
/// client_id_issued_at), and keeps the client's authentication method and profile: changing how a client
/// proves itself is a new registration, not an update.
/// </summary>
public sealed class ValidateUpdateIdentity : IStep<RegistrationContext>
{
    private static readonly string[] ServerIssued =
        [Parameters.RegistrationAccessToken, Parameters.RegistrationClientUri, Parameters.ClientSecretExpiresAt, Parameters.ClientIdIssuedAt];

    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = context.Client ?? throw new InvalidOperationException("ValidateUpdateIdentity runs after ValidateRegistrationAccessToken.");
        if (!context.Request.TryGetProperty(Parameters.ClientId, out var clientId) || clientId.ValueKind != JsonValueKind.String || clientId.GetString() != client.ClientId)
        {
            context.Reject(ErrorCatalogue.UpdateIdentityInvalid, "client_id missing or not the path's");
            return ValueTask.CompletedTask;
        }

        if (ServerIssued.Any(member => context.Request.TryGetProperty(member, out _)))
        {
            context.Reject(ErrorCatalogue.UpdateIdentityInvalid, "server-issued member sent");
            return ValueTask.CompletedTask;
        }

        // The client secret, if any, stays as issued; sending one is not how it changes.
        if (context.Request.TryGetProperty(Parameters.ClientSecret, out _))
        {
            context.Reject(ErrorCatalogue.UpdateIdentityInvalid, "client_secret sent");
        }

        return ValueTask.CompletedTask;
    }
}
