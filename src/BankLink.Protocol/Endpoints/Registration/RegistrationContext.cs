using System.Text.Json;
using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// One client registration (RFC 7591 §3.1) or client configuration (RFC 7592 §2) request on its way
/// through the steps.
/// </summary>
public sealed class RegistrationContext(string? bearerToken, string? body, DateTimeOffset now, string registrationEndpoint, string? clientId = null) : ProtocolContext
{
    /// <summary>The absolute URL of the registration endpoint; a client's RFC 7592 URI is it plus the client_id.</summary>
    public string RegistrationEndpoint { get; } = registrationEndpoint;

    /// <summary>
    /// The request's bearer token: for registration, the initial access token, which is a provider
    /// onboarding token (DOMAIN.md); for RFC 7592 requests, the client's registration access token.
    /// </summary>
    public string? BearerToken { get; } = bearerToken;

    /// <summary>RFC 7592: the client named by the client configuration endpoint's path.</summary>
    public string? ClientId { get; } = clientId;

    /// <summary>RFC 7592: the client, once its registration access token was checked.</summary>
    public RegisteredClient? Client { get; set; }

    /// <summary>The JSON body, or null when the host refused it (not application/json, or too large).</summary>
    public string? Body { get; } = body;

    public DateTimeOffset Now { get; } = now;

    public OnboardingGrantee? Grantee { get; set; }

    /// <summary>The client's public signing keys, once validated (private_key_jwt clients).</summary>
    public BankLink.Jose.JwkSet? ClientKeys { get; set; }

    /// <summary>The request's metadata object, once parsed.</summary>
    public JsonElement Request { get; set; }

    /// <summary>The metadata BankLink registers, filled member by member by the validation steps.</summary>
    public JsonObject Registered { get; } = [];

    public string Profile { get; set; } = ProtocolConstants.Profiles.Fapi2;

    public string TokenEndpointAuthMethod { get; set; } = ProtocolConstants.ClientAuthenticationMethods.PrivateKeyJwt;

    /// <summary>The response body (RFC 7591 §3.2.1), set by the last step.</summary>
    public JsonObject? Response { get; set; }
}
