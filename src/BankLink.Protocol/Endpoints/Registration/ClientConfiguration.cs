using System.Text.Json.Nodes;
using BankLink.Protocol.Stores;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>The client information response of RFC 7592 §3: the registered metadata and the server-issued members.</summary>
internal static class ClientConfiguration
{
    public static JsonObject Describe(string clientId, JsonObject metadata, DateTimeOffset issuedAt, string registrationEndpoint)
    {
        var response = (JsonObject)metadata.DeepClone();
        response[Parameters.ClientId] = clientId;
        response[Parameters.ClientIdIssuedAt] = issuedAt.ToUnixTimeSeconds();
        response[Parameters.RegistrationClientUri] = registrationEndpoint.TrimEnd('/') + "/" + clientId;
        return response;
    }

    public static JsonObject Describe(RegisteredClient client, string registrationEndpoint) =>
        Describe(client.ClientId, client.Metadata, client.CreatedAt, registrationEndpoint);
}
