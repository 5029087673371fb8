using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace BankLink.Jose;

/// <summary>
/// Parses the JWS Compact Serialization (RFC 7515 §7.1) and checks the header (RFC 7515 §5.2 steps 1-5) before
/// any key is chosen. The caller passes the algorithms it allows: algorithm choice belongs to the caller's policy
/// for that client and that use, never to the token (RFC 8725 §3.1).
/// </summary>
public static class JwsReader
{
    public static bool TryRead(string compact, IReadOnlySet<JwsAlgorithm> allowed, [NotNullWhen(true)] out JwsCompact? jws, out JwsFailure failure)
    {
        ArgumentNullException.ThrowIfNull(compact);
        ArgumentNullException.ThrowIfNull(allowed);
        jws = null;

        if (compact.Length > JoseLimits.MaxCompactJwsLength)
        {
            failure = JwsFailure.TooLarge;
            return false;
        }

        // RFC 7515 §7.1: exactly three segments. Five would be a JWE (RFC 7516 §7.1), which we never accept here.
        var firstDot = compact.IndexOf('.', StringComparison.Ordinal);
        var secondDot = firstDot < 0 ? -1 : compact.IndexOf('.', firstDot + 1);
        if (secondDot < 0 || compact.IndexOf('.', secondDot + 1) >= 0)
        {
            failure = JwsFailure.MalformedSerialization;
            return false;
        }

        // RFC 7515 §5.2 steps 2, 6 and 7: every segment is strict base64url; the header is never empty.
        if (!Base64UrlStrict.TryDecode(compact.AsSpan(0, firstDot), out var headerBytes) || headerBytes.Length == 0
            || !Base64UrlStrict.TryDecode(compact.AsSpan(firstDot + 1, secondDot - firstDot - 1), out var payload)
            || !Base64UrlStrict.TryDecode(compact.AsSpan(secondDot + 1), out var signature))
        {
            failure = JwsFailure.MalformedSerialization;
            return false;
        }

        if (!TryReadHeader(headerBytes, allowed, out var header, out failure))
        {
            return false;
        }

        // Checked after "alg" so that an unsecured JWS ("alg":"none" with an empty signature) is reported as what it is.
        if (signature.Length == 0)
        {
            failure = JwsFailure.MalformedSerialization;
            return false;
        }

        var signingInput = Encoding.ASCII.GetBytes(compact, 0, secondDot);
        jws = new JwsCompact(header, payload, signingInput, signature);
        failure = JwsFailure.None;
        return true;
    }

    private static bool TryReadHeader(byte[] headerBytes, IReadOnlySet<JwsAlgorithm> allowed, [NotNullWhen(true)] out JwsHeader? header, out JwsFailure failure)
    {
        header = null;

        // RFC 7515 §5.2 step 3: the header is a JSON object; RFC 7515 §4: member names are unique.
        var outcome = StrictJson.TryParse(headerBytes, out var json);
        if (outcome == StrictJsonOutcome.DuplicateMember)
        {
            failure = JwsFailure.DuplicateHeaderMember;
            return false;
        }

        if (outcome != StrictJsonOutcome.Ok || json.ValueKind != JsonValueKind.Object)
        {
            failure = JwsFailure.MalformedHeader;
            return false;
        }

        // RFC 7515 §4.1.1: "alg" is REQUIRED.
        if (!json.TryGetProperty("alg", out var algMember) || algMember.ValueKind != JsonValueKind.String)
        {
            failure = JwsFailure.MalformedHeader;
            return false;
        }

        if (!JwsAlgorithms.TryParse(algMember.GetString(), out var alg))
        {
            failure = JwsFailure.AlgorithmNotSupported;
            return false;
        }

        if (!allowed.Contains(alg))
        {
            failure = JwsFailure.AlgorithmNotAllowed;
            return false;
        }

        // RFC 7515 §4.1.11: a recipient that does not understand every listed extension MUST reject the JWS.
        // BankLink understands none, so any "crit" (even a malformed one) is refused.
        if (json.TryGetProperty("crit", out _))
        {
            failure = JwsFailure.CriticalHeaderNotSupported;
            return false;
        }

        // RFC 7797 §3: "b64": false changes what is signed. We only implement the default (true).
        if (json.TryGetProperty("b64", out var b64))
        {
            if (b64.ValueKind == JsonValueKind.False)
            {
                failure = JwsFailure.UnencodedPayloadNotSupported;
                return false;
            }

            if (b64.ValueKind != JsonValueKind.True)
            {
                failure = JwsFailure.MalformedHeader;
                return false;
            }
        }

        if (!StrictJson.TryGetOptionalString(json, "kid", JoseLimits.MaxKidLength, out var kid)
            || !StrictJson.TryGetOptionalString(json, "typ", JoseLimits.MaxShortStringLength, out var typ)
            || !StrictJson.TryGetOptionalString(json, "cty", JoseLimits.MaxShortStringLength, out var cty))
        {
            failure = JwsFailure.MalformedHeader;
            return false;
        }

        if (!TryReadEmbeddedKey(json, out var jwk, out failure))
        {
            return false;
        }

        header = new JwsHeader(alg, kid, typ, cty, jwk, json);
        failure = JwsFailure.None;
        return true;
    }

    private static bool TryReadEmbeddedKey(JsonElement json, out Jwk? jwk, out JwsFailure failure)
    {
        jwk = null;
        failure = JwsFailure.None;
        if (!json.TryGetProperty("jwk", out var member))
        {
            return true;
        }

        if (!Jwk.TryParse(member, out var parsed, out _))
        {
            failure = JwsFailure.EmbeddedKeyInvalid;
            return false;
        }

        // RFC 7515 §4.1.3: "jwk" is the public key. Private members mean a leaked key, not a usable one.
        if (parsed.IsPrivate)
        {
            failure = JwsFailure.EmbeddedKeyNotPublic;
            return false;
        }

        jwk = parsed;
        return true;
    }
}
