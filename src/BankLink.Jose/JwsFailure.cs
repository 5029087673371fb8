namespace BankLink.Jose;

/// <summary>Why a compact JWS was refused, in the order the checks run. Logged as the reason; never sent to the client as is.</summary>
public enum JwsFailure
{
    None,

    /// <summary>Longer than <see cref="JoseLimits.MaxCompactJwsLength"/>.</summary>
    TooLarge,

    /// <summary>Not three segments of strict base64url (RFC 7515 §7.1), or an empty signature.</summary>
    MalformedSerialization,

    /// <summary>Header not a JSON object, "alg" missing, or a header member of the wrong type or length.</summary>
    MalformedHeader,

    /// <summary>A header member name appears twice (RFC 7515 §4: we reject rather than keep the last one).</summary>
    DuplicateHeaderMember,

    /// <summary>"alg" is not an algorithm BankLink implements: "none", HMAC, and everything unknown.</summary>
    AlgorithmNotSupported,

    /// <summary>"alg" is implemented but not in the set the caller allows for this client and this use.</summary>
    AlgorithmNotAllowed,

    /// <summary>"crit" is present. BankLink understands no extensions, so RFC 7515 §4.1.11 requires rejection.</summary>
    CriticalHeaderNotSupported,

    /// <summary>"b64": false (RFC 7797). Unencoded payloads are not supported.</summary>
    UnencodedPayloadNotSupported,

    /// <summary>The "jwk" header member is not a key this module accepts (see <see cref="JwkFailure"/>).</summary>
    EmbeddedKeyInvalid,

    /// <summary>The "jwk" header member carries private members: a leaked private key is never a verification key.</summary>
    EmbeddedKeyNotPublic,

    /// <summary>The verification key does not fit "alg" (type, curve, or its own "alg"/"use"/"key_ops").</summary>
    KeyMismatch,

    /// <summary>The signature does not verify.</summary>
    BadSignature,
}
