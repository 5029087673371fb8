using System.Text.Json.Nodes;
using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Endpoints.Shared;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Endpoints.Token;

/// <summary>One token request (RFC 6749 §3.2) on its way through the steps.</summary>
public sealed class TokenContext(ProtocolRequest request, ClientCredentials credentials, string issuer, Uri endpoint, IReadOnlyList<string> dpopHeaders, DateTimeOffset now)
    : BackChannelContext(request, credentials, issuer, endpoint, dpopHeaders, now)
{
    public string? GrantType { get; set; }

    /// <summary>The redeemed authorization code, or the presented refresh token: what the tokens are issued from.</summary>
    public BankLink.Protocol.Stores.StoredToken? Source { get; set; }

    /// <summary>RFC 6749 §5.1 response.</summary>
    public JsonObject? Response { get; set; }
}
