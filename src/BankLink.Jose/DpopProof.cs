using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BankLink.Jose;

/// <summary>
/// A DPoP proof JWT (RFC 9449 §4.2) whose syntax, header and signature have been checked (RFC 9449 §4.3 checks 2-7).
/// The request-dependent checks (htm and htu against the request, nonce, iat window, jti replay, ath against the
/// presented token, cnf.jkt binding) belong to the protocol engine, which reads them from here.
/// </summary>
public sealed class DpopProof
{
    /// <summary>RFC 9449 §4.2: the explicit JWT type of a DPoP proof.</summary>
    public const string JwtType = "dpop+jwt";

    /// <summary>base64url of a SHA-256 hash: 43 characters.</summary>
    private const int AthLength = 43;

    private DpopProof(JwsAlgorithm algorithm, Jwk publicKey, DpopClaims claims, JsonElement payload)
    {
        Algorithm = algorithm;
        PublicKey = publicKey;
        JwkThumbprint = publicKey.ComputeThumbprint();
        Jti = claims.Jti;
        Htm = claims.Htm;
        Htu = claims.Htu;
        Iat = claims.Iat;
        Ath = claims.Ath;
        Nonce = claims.Nonce;
        Payload = payload;
    }

    public JwsAlgorithm Algorithm { get; }

    /// <summary>The header "jwk": the key that signed this proof, always public.</summary>
    public Jwk PublicKey { get; }

    /// <summary>RFC 7638 thumbprint of <see cref="PublicKey"/>: what "cnf.jkt" (RFC 9449 §6.1) and "dpop_jkt" (§10) hold.</summary>
    public string JwkThumbprint { get; }

    public string Jti { get; }

    public string Htm { get; }

    public string Htu { get; }

    /// <summary>"iat" in seconds since the Unix epoch (RFC 7519 §2 NumericDate); BankLink accepts integers only.</summary>
    public long Iat { get; }

    public string? Ath { get; }

    public string? Nonce { get; }

    /// <summary>The whole claims object, for extension claims.</summary>
    public JsonElement Payload { get; }

    public static bool TryRead(string proof, IReadOnlySet<JwsAlgorithm> allowed, [NotNullWhen(true)] out DpopProof? dpop, out DpopFailure failure)
    {
        ArgumentNullException.ThrowIfNull(proof);
        ArgumentNullException.ThrowIfNull(allowed);
        dpop = null;

        if (proof.Length > JoseLimits.MaxDpopProofLength)
        {
            failure = DpopFailure.TooLarge;
            return false;
        }

        // Check 2 (well-formed JWT) and check 5 ("alg" asymmetric, not none, allowed): every algorithm the reader
        // knows is asymmetric, so "none" and HMAC never get past it.
        if (!JwsReader.TryRead(proof, allowed, out var jws, out var jwsFailure))
        {
            failure = FromJwsFailure(jwsFailure);
            return false;
        }

        // Check 4. Exact match, as RFC 9449 §4.2 gives the value; we do not apply RFC 7515 §4.1.9 media-type leniency.
        if (!string.Equals(jws.Header.Typ, JwtType, StringComparison.Ordinal))
        {
            failure = DpopFailure.WrongType;
            return false;
        }

        // RFC 9449 §4.2: "jwk" is required. The reader has already refused a private or unusable one (check 7).
        if (jws.Header.Jwk is not { } key)
        {
            failure = DpopFailure.MissingKey;
            return false;
        }

        // Check 6: verified with the key in the proof itself, which is what the proof demonstrates possession of.
        if (!jws.TryVerify(key, out jwsFailure))
        {
            failure = FromJwsFailure(jwsFailure);
            return false;
        }

        if (!jws.TryReadPayloadObject(out var payload))
        {
            failure = DpopFailure.Malformed;
            return false;
        }

        if (!TryReadClaims(payload, out var claims, out failure))
        {
            return false;
        }

        dpop = new DpopProof(jws.Algorithm, key, claims, payload);
        failure = DpopFailure.None;
        return true;
    }

    /// <summary>RFC 9449 §4.2 "ath": base64url(SHA-256(ASCII(access token))).</summary>
    public static string ComputeAccessTokenHash(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return Base64UrlStrict.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
    }

    /// <summary>
    /// RFC 9449 §4.3 check 12: "ath" equals the hash of <paramref name="accessToken"/>. False when "ath" is absent.
    /// Compared in constant time (STYLE.md 8), since the hash is derived from a secret.
    /// </summary>
    public bool MatchesAccessToken(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        if (Ath is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Ath), Encoding.ASCII.GetBytes(ComputeAccessTokenHash(accessToken)));
    }

    private static bool TryReadClaims(JsonElement payload, out DpopClaims claims, out DpopFailure failure)
    {
        claims = default;

        // Check 3: "jti", "htm", "htu" and "iat" are required (RFC 9449 §4.2).
        if (!payload.TryGetProperty("jti", out var jti) || !payload.TryGetProperty("htm", out var htm)
            || !payload.TryGetProperty("htu", out var htu) || !payload.TryGetProperty("iat", out var iat))
        {
            failure = DpopFailure.MissingClaim;
            return false;
        }

        if (!TryGetNonEmptyString(jti, JoseLimits.MaxDpopJtiLength, out var jtiValue)
            || !TryGetNonEmptyString(htm, JoseLimits.MaxDpopHtmLength, out var htmValue)
            || !TryGetNonEmptyString(htu, JoseLimits.MaxDpopHtuLength, out var htuValue)
            || iat.ValueKind != JsonValueKind.Number || !iat.TryGetInt64(out var iatValue) || iatValue < 0
            || !StrictJson.TryGetOptionalString(payload, "ath", AthLength, out var ath)
            || !StrictJson.TryGetOptionalString(payload, "nonce", JoseLimits.MaxDpopNonceLength, out var nonce)
            || (ath is not null && !IsSha256Base64Url(ath))
            || nonce is { Length: 0 })
        {
            failure = DpopFailure.InvalidClaim;
            return false;
        }

        claims = new DpopClaims(jtiValue, htmValue, htuValue, iatValue, ath, nonce);
        failure = DpopFailure.None;
        return true;
    }

    private static bool TryGetNonEmptyString(JsonElement member, int maxLength, [NotNullWhen(true)] out string? value)
    {
        value = member.ValueKind == JsonValueKind.String ? member.GetString() : null;
        return value is { Length: > 0 } && value.Length <= maxLength;
    }

    private static bool IsSha256Base64Url(string value) =>
        value.Length == AthLength && Base64UrlStrict.TryDecode(value, out var hash) && hash.Length == SHA256.HashSizeInBytes;

    private static DpopFailure FromJwsFailure(JwsFailure failure) => failure switch
    {
        JwsFailure.TooLarge => DpopFailure.TooLarge,
        JwsFailure.AlgorithmNotSupported or JwsFailure.AlgorithmNotAllowed => DpopFailure.AlgorithmNotAllowed,
        JwsFailure.EmbeddedKeyInvalid or JwsFailure.KeyMismatch => DpopFailure.InvalidKey,
        JwsFailure.EmbeddedKeyNotPublic => DpopFailure.KeyNotPublic,
        JwsFailure.BadSignature => DpopFailure.BadSignature,
        _ => DpopFailure.Malformed,
    };

    /// <summary>The RFC 9449 §4.2 claims, once read and checked.</summary>
    private readonly record struct DpopClaims(string Jti, string Htm, string Htu, long Iat, string? Ath, string? Nonce);
}
