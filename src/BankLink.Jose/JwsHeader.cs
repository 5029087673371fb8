using System.Text.Json;

namespace BankLink.Jose;

/// <summary>
/// The decoded, checked JOSE header of a compact JWS (RFC 7515 §4): the registered members BankLink reads,
/// typed, and the whole object for anything else (for example "nonce" or "htu" in other profiles).
/// </summary>
public sealed class JwsHeader
{
    internal JwsHeader(JwsAlgorithm alg, string? kid, string? typ, string? cty, Jwk? jwk, JsonElement json)
    {
        Alg = alg;
        Kid = kid;
        Typ = typ;
        Cty = cty;
        Jwk = jwk;
        Json = json;
    }

    /// <summary>"alg", already checked against the caller's allowed set.</summary>
    public JwsAlgorithm Alg { get; }

    public string? Kid { get; }

    /// <summary>"typ" exactly as sent; callers compare it to the explicit type they expect (RFC 8725 §3.11).</summary>
    public string? Typ { get; }

    public string? Cty { get; }

    /// <summary>The embedded "jwk" (RFC 7515 §4.1.3), parsed with the <see cref="Jose.Jwk"/> rules and always public.</summary>
    public Jwk? Jwk { get; }

    /// <summary>The whole header object, free of duplicate members. "jku" and "x5u" here are never dereferenced.</summary>
    public JsonElement Json { get; }

    /// <summary>Reads another string member. False when absent or not a string.</summary>
    public bool TryGetString(string name, out string? value)
    {
        ArgumentNullException.ThrowIfNull(name);
        value = null;
        if (!Json.TryGetProperty(name, out var member) || member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = member.GetString();
        return true;
    }
}
