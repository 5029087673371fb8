using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.Shared;

/// <summary>
/// A form-encoded request from a client to the bank (PAR, token, revocation, introspection): what the steps
/// these endpoints share read and fill.
/// </summary>
public abstract class BackChannelContext(ProtocolRequest request, ClientCredentials credentials, string issuer, Uri endpoint, IReadOnlyList<string> dpopHeaders, DateTimeOffset now)
    : ProtocolContext
{
    public ProtocolRequest Request { get; } = request;

    public ClientCredentials Credentials { get; } = credentials;

    /// <summary>The issuer identifier: the only accepted client assertion audience.</summary>
    public string Issuer { get; } = issuer;

    /// <summary>This endpoint's public URI: what a DPoP proof's htu must name.</summary>
    public Uri Endpoint { get; } = endpoint;

    public IReadOnlyList<string> DpopHeaders { get; } = dpopHeaders;

    public DateTimeOffset Now { get; } = now;

    /// <summary>Set by <see cref="AuthenticateClient{TContext}"/>.</summary>
    public RegisteredClient? Client { get; set; }

    /// <summary>Set by <see cref="ValidateDpopProof{TContext}"/> when the request carried a valid proof.</summary>
    public string? DpopThumbprint { get; set; }
}
