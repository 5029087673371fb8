namespace BankLink.Protocol.Dpop;

/// <summary>Server-provided DPoP nonces (RFC 9449 §8): issued by any node, accepted by every node for a short while.</summary>
public interface IDpopNonces
{
    /// <summary>True when the server asks for nonces at all (a deployment setting).</summary>
    bool Required { get; }

    /// <summary>A nonce to send in the DPoP-Nonce response header.</summary>
    string Issue();

    /// <summary>True for a nonce this service issued that is still fresh.</summary>
    bool IsValid(string? nonce);
}
