using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace BankLink.Jose;

/// <summary>
/// The JWS algorithms BankLink implements (RFC 7518 §3.1). Nothing else exists here: no "none", no HMAC,
/// so a token naming any other algorithm can never reach a verifier.
/// </summary>
[SuppressMessage("Design", "CA1008:Enums should have zero value", Justification = "No algorithm is a safe default: default(JwsAlgorithm) must not be a usable algorithm.")]
public enum JwsAlgorithm
{
    /// <summary>ECDSA P-256 SHA-256 (RFC 7518 §3.4). FAPI 2.0.</summary>
    ES256 = 1,

    /// <summary>RSASSA-PSS SHA-256, MGF1 SHA-256, salt length 32 (RFC 7518 §3.5). FAPI 2.0.</summary>
    PS256 = 2,

    /// <summary>RSASSA-PKCS1-v1_5 SHA-256 (RFC 7518 §3.3). Not allowed by FAPI 2.0; non-FAPI clients only.</summary>
    RS256 = 3,
}

/// <summary>Names and parsing of <see cref="JwsAlgorithm"/>, and the allow-lists callers pass in.</summary>
public static class JwsAlgorithms
{
    /// <summary>
    /// FAPI 2.0 Security Profile ("Cryptography and secrets"): PS256 and ES256 only. The caller still chooses
    /// which set to pass; a token never chooses its own algorithm (RFC 8725 §3.1).
    /// </summary>
    public static IReadOnlySet<JwsAlgorithm> Fapi2 { get; } = new[] { JwsAlgorithm.PS256, JwsAlgorithm.ES256 }.ToFrozenSet();

    /// <summary>Every algorithm BankLink implements, for non-FAPI clients that registered RS256.</summary>
    public static IReadOnlySet<JwsAlgorithm> All { get; } = new[] { JwsAlgorithm.PS256, JwsAlgorithm.ES256, JwsAlgorithm.RS256 }.ToFrozenSet();

    /// <summary>The "alg" value as RFC 7518 §3.1 spells it.</summary>
    public static string GetName(JwsAlgorithm algorithm) => algorithm switch
    {
        JwsAlgorithm.ES256 => "ES256",
        JwsAlgorithm.PS256 => "PS256",
        JwsAlgorithm.RS256 => "RS256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not a JWS algorithm BankLink implements."),
    };

    /// <summary>
    /// Parses an "alg" value. The comparison is exact: RFC 7515 §4.1.1 makes "alg" case-sensitive, so "es256"
    /// is an unknown algorithm, and so are "none", "HS256", "ES384" and everything else.
    /// </summary>
    public static bool TryParse(string? name, out JwsAlgorithm algorithm)
    {
        switch (name)
        {
            case "ES256":
                algorithm = JwsAlgorithm.ES256;
                return true;
            case "PS256":
                algorithm = JwsAlgorithm.PS256;
                return true;
            case "RS256":
                algorithm = JwsAlgorithm.RS256;
                return true;
            default:
                algorithm = default;
                return false;
        }
    }
}
