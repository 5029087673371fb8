namespace BankLink.Jose;

/// <summary>
/// Why a DPoP proof failed the syntax checks of RFC 9449 §4.3 (checks 2-7 and the claim presence of check 3).
/// Every value maps to the "invalid_dpop_proof" error (RFC 9449 §5, §7.1); the reason is for the log.
/// </summary>
public enum DpopFailure
{
    None,

    /// <summary>Longer than <see cref="JoseLimits.MaxDpopProofLength"/>.</summary>
    TooLarge,

    /// <summary>Not a well-formed JWT (check 2): bad serialization, header or claims JSON, "crit", "b64".</summary>
    Malformed,

    /// <summary>"alg" is "none", symmetric, unknown, or not in the caller's allowed set (check 5).</summary>
    AlgorithmNotAllowed,

    /// <summary>"typ" is not exactly "dpop+jwt" (check 4).</summary>
    WrongType,

    /// <summary>No "jwk" header member (RFC 9449 §4.2).</summary>
    MissingKey,

    /// <summary>The "jwk" is not a key BankLink accepts (for example a symmetric "oct" key), or does not fit "alg".</summary>
    InvalidKey,

    /// <summary>The "jwk" contains a private key (check 7).</summary>
    KeyNotPublic,

    /// <summary>The signature does not verify with the "jwk" (check 6).</summary>
    BadSignature,

    /// <summary>"jti", "htm", "htu" or "iat" is absent (check 3).</summary>
    MissingClaim,

    /// <summary>A claim has the wrong type, is empty, or is longer than its limit in <see cref="JoseLimits"/>.</summary>
    InvalidClaim,
}
