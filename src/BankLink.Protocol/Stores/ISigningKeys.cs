using BankLink.Jose;

namespace BankLink.Protocol.Stores;

/// <summary>The authorization server's signing keys: the one to sign with now, and every key a verifier may still need.</summary>
public interface ISigningKeys
{
    /// <summary>The current private key for <paramref name="algorithm"/>, with its kid set.</summary>
    Task<Jwk> GetSigningKeyAsync(JwsAlgorithm algorithm, CancellationToken cancellationToken);

    /// <summary>The public keys jwks_uri publishes: current, upcoming and retired-but-not-expired (RFC 7517 §5).</summary>
    Task<JwkSet> GetPublishedKeysAsync(CancellationToken cancellationToken);
}
