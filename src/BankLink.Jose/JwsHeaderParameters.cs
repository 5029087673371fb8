using System.Text.Json.Nodes;

namespace BankLink.Jose;

/// <summary>What <see cref="JwsWriter"/> puts in a JOSE header: "alg", and optionally "typ", "kid", an embedded public "jwk" and other members.</summary>
public sealed class JwsHeaderParameters
{
    public required JwsAlgorithm Algorithm { get; init; }

    /// <summary>"kid" (RFC 7515 §4.1.4). Not copied from the signing key implicitly: the caller decides what the recipient may see.</summary>
    public string? KeyId { get; init; }

    /// <summary>"typ" (RFC 7515 §4.1.9), for example "dpop+jwt" or "JWT"; explicit typing per RFC 8725 §3.11.</summary>
    public string? Type { get; init; }

    /// <summary>Embedded as "jwk" (RFC 7515 §4.1.3); only its public members are ever written.</summary>
    public Jwk? EmbeddedKey { get; init; }

    /// <summary>
    /// Further members, written after the registered ones. The names this module owns ("alg", "kid", "typ", "jwk")
    /// and the ones it refuses to read ("crit", "b64") cannot be set here.
    /// </summary>
    public JsonObject? AdditionalMembers { get; init; }
}
