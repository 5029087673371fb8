using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BankLink.Jose;

/// <summary>
/// Produces compact JWSs (RFC 7515 §5.1, §7.1) signed with a private <see cref="Jwk"/>: ID tokens, and in tests
/// client assertions and DPoP proofs. Misuse (a public key, a key that does not fit the algorithm, a reserved
/// header name) is a programming error and throws.
/// </summary>
public static class JwsWriter
{
    private static readonly HashSet<string> ReservedNames = new(StringComparer.Ordinal) { "alg", "kid", "typ", "jwk", "crit", "b64" };

    public static string Sign(JwsHeaderParameters header, ReadOnlySpan<byte> payload, Jwk signingKey)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(signingKey);
        return SignRaw(SerializeHeader(header), payload, header.Algorithm, signingKey);
    }

    /// <summary>Signs a JSON payload (a JWT Claims Set), serialized compactly.</summary>
    public static string Sign(JwsHeaderParameters header, JsonObject payload, Jwk signingKey)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return Sign(header, Encoding.UTF8.GetBytes(payload.ToJsonString(JoseJson.SerializerOptions)), signingKey);
    }

    /// <summary>Signs header bytes exactly as given. Tests use it to build tokens this module would never write.</summary>
    internal static string SignRaw(ReadOnlySpan<byte> headerJson, ReadOnlySpan<byte> payload, JwsAlgorithm algorithm, Jwk signingKey)
    {
        var signingInput = Base64UrlStrict.Encode(headerJson) + "." + Base64UrlStrict.Encode(payload);
        var signature = JwsSignature.Sign(algorithm, signingKey, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlStrict.Encode(signature);
    }

    private static byte[] SerializeHeader(JwsHeaderParameters header)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JoseJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", JwsAlgorithms.GetName(header.Algorithm));
            if (header.Type is not null)
            {
                writer.WriteString("typ", header.Type);
            }

            if (header.KeyId is not null)
            {
                writer.WriteString("kid", header.KeyId);
            }

            if (header.EmbeddedKey is not null)
            {
                writer.WritePropertyName("jwk");
                header.EmbeddedKey.WritePublicJson(writer);
            }

            foreach (var (name, value) in header.AdditionalMembers ?? [])
            {
                if (ReservedNames.Contains(name))
                {
                    throw new ArgumentException($"Header member \"{name}\" cannot be set as an additional member.", nameof(header));
                }

                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
