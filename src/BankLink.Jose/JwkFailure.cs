namespace BankLink.Jose;

/// <summary>Why a JWK or JWK Set was refused. Logged as the reason; the client only learns the class of failure.</summary>
public enum JwkFailure
{
    None,

    /// <summary>Longer than <see cref="JoseLimits.MaxJwkJsonLength"/> or <see cref="JoseLimits.MaxJwkSetJsonLength"/>.</summary>
    TooLarge,

    /// <summary>Not JSON, not an object, a required member missing, a member of the wrong type or length, bad base64url.</summary>
    Malformed,

    /// <summary>A member name appears twice in one object.</summary>
    DuplicateMember,

    /// <summary>"kty" is not "EC" or "RSA": symmetric "oct" keys, "OKP" and unknown types are refused.</summary>
    UnsupportedKeyType,

    /// <summary>"crv" is not "P-256".</summary>
    UnsupportedCurve,

    /// <summary>Wrong coordinate length, point not on the curve, non-minimal integers, inconsistent private members.</summary>
    InvalidKeyMaterial,

    /// <summary>RSA modulus shorter than <see cref="JoseLimits.MinRsaKeySizeBits"/>.</summary>
    KeyTooSmall,

    /// <summary>RSA modulus longer than <see cref="JoseLimits.MaxRsaKeySizeBits"/>.</summary>
    KeyTooLarge,

    /// <summary>More than <see cref="JoseLimits.MaxKeysInSet"/> keys in a JWK Set.</summary>
    TooManyKeys,
}
