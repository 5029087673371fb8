using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace BankLink.Jose;

/// <summary>
/// Reads the members of one JWK object (RFC 7517 §4, RFC 7518 §6) into a <see cref="Jwk"/>. Fail closed:
/// unknown "kty" or "crv" is refused, including symmetric "oct" keys, which must never be accepted where a
/// public key is expected (an HMAC secret published as a "key" is the classic algorithm-confusion setup).
/// Unknown members are ignored as RFC 7517 §4 requires.
/// </summary>
internal static class JwkReader
{
    public static bool TryRead(JsonElement json, [NotNullWhen(true)] out Jwk? jwk, out JwkFailure failure)
    {
        jwk = null;
        if (json.ValueKind != JsonValueKind.Object
            || !TryGetRequiredString(json, "kty", JoseLimits.MaxShortStringLength, out var kty)
            || !TryReadMetadata(json, out var metadata))
        {
            failure = JwkFailure.Malformed;
            return false;
        }

        // "kty" is case-sensitive (RFC 7517 §4.1): "ec" is not "EC".
        switch (kty)
        {
            case Jwk.KeyTypes.EC:
                return TryReadEc(json, metadata, out jwk, out failure);
            case Jwk.KeyTypes.RSA:
                return TryReadRsa(json, metadata, out jwk, out failure);
            default:
                failure = JwkFailure.UnsupportedKeyType;
                return false;
        }
    }

    private static bool TryReadEc(JsonElement json, JwkMetadata metadata, [NotNullWhen(true)] out Jwk? jwk, out JwkFailure failure)
    {
        jwk = null;
        if (!TryGetRequiredString(json, "crv", JoseLimits.MaxShortStringLength, out var crv))
        {
            failure = JwkFailure.Malformed;
            return false;
        }

        if (crv != Jwk.Curves.P256)
        {
            failure = JwkFailure.UnsupportedCurve;
            return false;
        }

        if (!TryGetRequiredBytes(json, "x", out var x) || !TryGetRequiredBytes(json, "y", out var y) || !TryGetOptionalBytes(json, "d", out var d))
        {
            failure = JwkFailure.Malformed;
            return false;
        }

        return Jwk.TryCreateEc(x, y, d, metadata, out jwk, out failure);
    }

    private static bool TryReadRsa(JsonElement json, JwkMetadata metadata, [NotNullWhen(true)] out Jwk? jwk, out JwkFailure failure)
    {
        jwk = null;

        // RFC 7518 §6.3.2.7: "oth" describes a multi-prime key; BankLink neither issues nor accepts those.
        if (json.TryGetProperty("oth", out _))
        {
            failure = JwkFailure.InvalidKeyMaterial;
            return false;
        }

        if (!TryGetRequiredBytes(json, "n", out var n) || !TryGetRequiredBytes(json, "e", out var e)
            || !TryGetOptionalBytes(json, "d", out var d) || !TryGetOptionalBytes(json, "p", out var p) || !TryGetOptionalBytes(json, "q", out var q)
            || !TryGetOptionalBytes(json, "dp", out var dp) || !TryGetOptionalBytes(json, "dq", out var dq) || !TryGetOptionalBytes(json, "qi", out var qi))
        {
            failure = JwkFailure.Malformed;
            return false;
        }

        return Jwk.TryCreateRsa(new RsaMembers(n, e, d, p, q, dp, dq, qi), metadata, out jwk, out failure);
    }

    private static bool TryReadMetadata(JsonElement json, out JwkMetadata metadata)
    {
        metadata = default;
        if (!StrictJson.TryGetOptionalString(json, "kid", JoseLimits.MaxKidLength, out var kid)
            || !StrictJson.TryGetOptionalString(json, "use", JoseLimits.MaxShortStringLength, out var use)
            || !StrictJson.TryGetOptionalString(json, "alg", JoseLimits.MaxShortStringLength, out var alg))
        {
            return false;
        }

        List<string>? keyOps = null;
        if (json.TryGetProperty("key_ops", out var ops))
        {
            if (ops.ValueKind != JsonValueKind.Array || ops.GetArrayLength() > JoseLimits.MaxKeyOps)
            {
                return false;
            }

            keyOps = [];
            foreach (var op in ops.EnumerateArray())
            {
                // RFC 7517 §4.3: duplicate key operation values MUST NOT be present.
                if (op.ValueKind != JsonValueKind.String || op.GetString() is not { Length: <= JoseLimits.MaxShortStringLength } value
                    || keyOps.Contains(value))
                {
                    return false;
                }

                keyOps.Add(value);
            }
        }

        metadata = new JwkMetadata(kid, use, alg, keyOps?.AsReadOnly());
        return true;
    }

    private static bool TryGetRequiredString(JsonElement json, string name, int maxLength, [NotNullWhen(true)] out string? value) =>
        StrictJson.TryGetOptionalString(json, name, maxLength, out value) && value is not null;

    private static bool TryGetRequiredBytes(JsonElement json, string name, out byte[] value)
    {
        value = [];
        return json.TryGetProperty(name, out var member) && TryDecode(member, out value);
    }

    private static bool TryGetOptionalBytes(JsonElement json, string name, out byte[]? value)
    {
        value = null;
        if (!json.TryGetProperty(name, out var member))
        {
            return true;
        }

        if (!TryDecode(member, out var bytes))
        {
            return false;
        }

        value = bytes;
        return true;
    }

    private static bool TryDecode(JsonElement member, out byte[] value)
    {
        value = [];
        return member.ValueKind == JsonValueKind.String && Base64UrlStrict.TryDecode(member.GetString(), out value) && value.Length > 0;
    }
}
