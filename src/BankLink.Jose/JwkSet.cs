using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace BankLink.Jose;

/// <summary>
/// A JWK Set (RFC 7517 §5): a client's registered "jwks", or BankLink's own signing keys. Every key in it has
/// passed the <see cref="Jwk"/> rules; a set holding one unusable key is refused whole rather than half-read,
/// so a client learns at registration, not at its first token request, that a key is wrong.
/// </summary>
public sealed class JwkSet
{
    public JwkSet(IEnumerable<Jwk> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.ToList();
        if (list.Count > JoseLimits.MaxKeysInSet)
        {
            throw new ArgumentException($"A JWK Set holds at most {JoseLimits.MaxKeysInSet} keys.", nameof(keys));
        }

        if (list.Any(k => k is null))
        {
            throw new ArgumentException("A JWK Set cannot contain null.", nameof(keys));
        }

        Keys = list.AsReadOnly();
    }

    public IReadOnlyList<Jwk> Keys { get; }

    /// <summary>True when any key carries private members. A client's registered set must never do so.</summary>
    public bool ContainsPrivateKey => Keys.Any(k => k.IsPrivate);

    public static bool TryParse(string json, [NotNullWhen(true)] out JwkSet? set, out JwkFailure failure)
    {
        ArgumentNullException.ThrowIfNull(json);
        set = null;
        if (json.Length > JoseLimits.MaxJwkSetJsonLength)
        {
            failure = JwkFailure.TooLarge;
            return false;
        }

        var outcome = StrictJson.TryParse(json, out var root);
        if (outcome != StrictJsonOutcome.Ok)
        {
            failure = outcome == StrictJsonOutcome.DuplicateMember ? JwkFailure.DuplicateMember : JwkFailure.Malformed;
            return false;
        }

        return TryRead(root, out set, out failure);
    }

    /// <summary>Parses a set from an element parsed elsewhere (the "jwks" client metadata of RFC 7591 §2), with the same rules.</summary>
    public static bool TryParse(JsonElement json, [NotNullWhen(true)] out JwkSet? set, out JwkFailure failure)
    {
        set = null;
        if (StrictJson.RawLength(json) > JoseLimits.MaxJwkSetJsonLength)
        {
            failure = JwkFailure.TooLarge;
            return false;
        }

        var outcome = StrictJson.Check(json);
        if (outcome != StrictJsonOutcome.Ok)
        {
            failure = outcome == StrictJsonOutcome.DuplicateMember ? JwkFailure.DuplicateMember : JwkFailure.Malformed;
            return false;
        }

        return TryRead(json, out set, out failure);
    }

    /// <summary>The one key with this "kid", or null when there is none or more than one (ambiguity fails closed).</summary>
    public Jwk? FindByKid(string kid)
    {
        ArgumentNullException.ThrowIfNull(kid);
        return Single(Keys.Where(k => string.Equals(k.Kid, kid, StringComparison.Ordinal)));
    }

    /// <summary>
    /// The key that verifies a JWS with this "kid" and "alg": among the keys compatible with <paramref name="algorithm"/>,
    /// the one with that "kid", or, when the JWS has no "kid", the only compatible key. Null when none matches or the
    /// choice is ambiguous: we never try keys one after another (RFC 7515 §4.1.4 leaves selection to the recipient).
    /// </summary>
    public Jwk? FindVerificationKey(string? kid, JwsAlgorithm algorithm)
    {
        var compatible = Keys.Where(k => k.IsCompatibleWith(algorithm));
        return Single(kid is null ? compatible : compatible.Where(k => string.Equals(k.Kid, kid, StringComparison.Ordinal)));
    }

    /// <summary>{"keys":[...]} with public members only, whatever the keys hold: what jwks_uri serves.</summary>
    public string ToPublicJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JoseJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in Keys)
            {
                key.WritePublicJson(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static bool TryRead(JsonElement root, [NotNullWhen(true)] out JwkSet? set, out JwkFailure failure)
    {
        set = null;

        // RFC 7517 §5.1: "keys" is REQUIRED and is an array; other members are ignored.
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            failure = JwkFailure.Malformed;
            return false;
        }

        if (keys.GetArrayLength() > JoseLimits.MaxKeysInSet)
        {
            failure = JwkFailure.TooManyKeys;
            return false;
        }

        var parsed = new List<Jwk>();
        foreach (var element in keys.EnumerateArray())
        {
            if (!Jwk.TryParse(element, out var jwk, out failure))
            {
                return false;
            }

            parsed.Add(jwk);
        }

        set = new JwkSet(parsed);
        failure = JwkFailure.None;
        return true;
    }

    private static Jwk? Single(IEnumerable<Jwk> candidates)
    {
        Jwk? found = null;
        foreach (var candidate in candidates)
        {
            if (found is not null)
            {
                return null;
            }

            found = candidate;
        }

        return found;
    }
}
