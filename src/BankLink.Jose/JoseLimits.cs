namespace BankLink.Jose;

/// <summary>
/// Size limits for every input this module parses (STYLE.md 7): each is checked before any decoding,
/// JSON parsing or cryptography, so a hostile input costs us a length comparison and nothing more.
/// </summary>
public static class JoseLimits
{
    /// <summary>Longest compact JWS accepted, in characters. Request objects and client assertions fit well inside.</summary>
    public const int MaxCompactJwsLength = 16 * 1024;

    /// <summary>Longest DPoP proof accepted, in characters: a header, a public key, a few claims and a signature.</summary>
    public const int MaxDpopProofLength = 8 * 1024;

    /// <summary>Longest single JWK, in characters (UTF-8 bytes for an already parsed element). An 8192-bit RSA private key fits.</summary>
    public const int MaxJwkJsonLength = 8 * 1024;

    /// <summary>Longest JWK Set, in characters (UTF-8 bytes for an already parsed element).</summary>
    public const int MaxJwkSetJsonLength = 64 * 1024;

    public const int MaxKeysInSet = 20;

    /// <summary>Nesting depth for the JSON this module parses: headers, keys, key sets and claim sets.</summary>
    public const int MaxJsonDepth = 16;

    /// <summary>NIST SP 800-57 / FAPI 2.0: RSA keys below 2048 bits are refused.</summary>
    public const int MinRsaKeySizeBits = 2048;

    /// <summary>Upper bound so that a client cannot make every verification expensive with a huge modulus.</summary>
    public const int MaxRsaKeySizeBits = 8192;

    /// <summary>OpenSSL refuses public exponents above 64 bits; we refuse them first, with a reason.</summary>
    public const int MaxRsaExponentBytes = 8;

    public const int MaxKidLength = 256;

    /// <summary>Bound for short JWK and header strings: "use", "alg", "typ", "cty", key_ops entries.</summary>
    public const int MaxShortStringLength = 64;

    /// <summary>RFC 7517 §4.3 registers eight key operations; more entries than that cannot be meaningful.</summary>
    public const int MaxKeyOps = 8;

    public const int MaxDpopJtiLength = 256;

    public const int MaxDpopHtmLength = 32;

    public const int MaxDpopHtuLength = 2048;

    public const int MaxDpopNonceLength = 512;
}
