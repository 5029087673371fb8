using System.Text.Json.Nodes;
using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Endpoints.Shared;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>One pushed authorization request (RFC 9126 §2.1) on its way through the steps.</summary>
public sealed class PushedAuthorizationContext(ProtocolRequest request, ClientCredentials credentials, string issuer, Uri endpoint, IReadOnlyList<string> dpopHeaders, DateTimeOffset now)
    : BackChannelContext(request, credentials, issuer, endpoint, dpopHeaders, now)
{
    /// <summary>The authorization parameters as validated: what the authorization endpoint later acts on.</summary>
    public JsonObject Validated { get; } = [];

    /// <summary>RFC 9126 §2.2 response: request_uri and expires_in.</summary>
    public JsonObject? Response { get; set; }
}
