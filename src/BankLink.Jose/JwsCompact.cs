using System.Text.Json;

namespace BankLink.Jose;

/// <summary>
/// A compact JWS (RFC 7515 §7.1) whose syntax and header have been checked by <see cref="JwsReader"/> but whose
/// signature has not: nothing in <see cref="Payload"/> is authentic until <see cref="TryVerify"/> returns true.
/// </summary>
public sealed class JwsCompact
{
    private readonly byte[] _payload;
    private readonly byte[] _signingInput;
    private readonly byte[] _signature;

    internal JwsCompact(JwsHeader header, byte[] payload, byte[] signingInput, byte[] signature)
    {
        Header = header;
        _payload = payload;
        _signingInput = signingInput;
        _signature = signature;
    }

    public JwsHeader Header { get; }

    public JwsAlgorithm Algorithm => Header.Alg;

    /// <summary>The decoded payload. Unauthenticated until <see cref="TryVerify"/> succeeds.</summary>
    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary>ASCII(BASE64URL(header) || '.' || BASE64URL(payload)): the exact bytes that were signed (RFC 7515 §5.1 step 5).</summary>
    public ReadOnlyMemory<byte> SigningInput => _signingInput;

    public ReadOnlyMemory<byte> Signature => _signature;

    /// <summary>
    /// Verifies the signature with <paramref name="key"/> (RFC 7515 §5.2 step 8). The key must fit "alg" first
    /// (<see cref="Jwk.IsCompatibleWith"/>): an RSA key never verifies an ES256 token, and no key verifies an
    /// algorithm outside <see cref="JwsAlgorithm"/>, because the reader never lets one through.
    /// </summary>
    public bool TryVerify(Jwk key, out JwsFailure failure)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.IsCompatibleWith(Algorithm))
        {
            failure = JwsFailure.KeyMismatch;
            return false;
        }

        if (!JwsSignature.Verify(Algorithm, key, _signingInput, _signature))
        {
            failure = JwsFailure.BadSignature;
            return false;
        }

        failure = JwsFailure.None;
        return true;
    }

    /// <summary>
    /// Parses the payload as a JSON object (a JWT Claims Set, RFC 7519 §7.2) with the module's strict rules:
    /// no duplicate claim names (RFC 7519 §4), depth limit. False when the payload is not such an object.
    /// </summary>
    public bool TryReadPayloadObject(out JsonElement payload)
    {
        payload = default;
        if (StrictJson.TryParse(_payload, out var root) != StrictJsonOutcome.Ok || root.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        payload = root;
        return true;
    }
}
