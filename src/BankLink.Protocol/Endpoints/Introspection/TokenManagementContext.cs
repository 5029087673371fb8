using System.Text.Json.Nodes;
using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Endpoints.Shared;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Endpoints.Introspection;

/// <summary>One introspection (RFC 7662) or revocation (RFC 7009) request on its way through the steps.</summary>
public sealed class TokenManagementContext(ProtocolRequest request, ClientCredentials credentials, string issuer, Uri endpoint, DateTimeOffset now)
    : BackChannelContext(request, credentials, issuer, endpoint, [], now)
{
    public JsonObject? Response { get; set; }
}
