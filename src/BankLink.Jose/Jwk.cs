using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace BankLink.Jose;

/// <summary>
/// One asymmetric JSON Web Key (RFC 7517): EC P-256 or RSA of at least 2048 bits, public or private.
/// Immutable and always valid: every instance has passed the same checks, whether it came from JSON
/// or from a .NET key. Private members never leave it except as a signature.
/// </summary>
public sealed partial class Jwk
{
    /// <summary>The "kty" values BankLink accepts (RFC 7518 §6.1). "oct" is deliberately absent.</summary>
    public static class KeyTypes
    {
        public const string EC = "EC";
        public const string RSA = "RSA";
    }

    /// <summary>The "crv" values BankLink accepts (RFC 7518 §6.2.1.1).</summary>
    public static class Curves
    {
        public const string P256 = "P-256";
    }

    /// <summary>"use" (RFC 7517 §4.2) and "key_ops" (RFC 7517 §4.3) values that allow signing or verifying.</summary>
    public static class Usages
    {
        public const string Signature = "sig";
        public const string Sign = "sign";
        public const string Verify = "verify";
    }

    private const int P256CoordinateBytes = 32;

    private readonly byte[]? _x;
    private readonly byte[]? _y;
    private readonly byte[]? _d;
    private readonly RSAParameters _rsa;
    private readonly KeyObject _keyObject;

    private Jwk(string kty, JwkMetadata metadata, bool isPrivate, int keySizeBits, KeyObject keyObject)
    {
        _keyObject = keyObject;
        Kty = kty;
        Kid = metadata.Kid;
        Use = metadata.Use;
        Alg = metadata.Alg;
        KeyOps = metadata.KeyOps;
        IsPrivate = isPrivate;
        KeySizeBits = keySizeBits;
    }

    private Jwk(byte[] x, byte[] y, byte[]? d, JwkMetadata metadata, KeyObject keyObject)
        : this(KeyTypes.EC, metadata, d is not null, 256, keyObject)
    {
        Crv = Curves.P256;
        _x = x;
        _y = y;
        _d = d;
    }

    private Jwk(RSAParameters rsa, int keySizeBits, JwkMetadata metadata, KeyObject keyObject)
        : this(KeyTypes.RSA, metadata, rsa.D is not null, keySizeBits, keyObject)
    {
        _rsa = rsa;
    }

    /// <summary>"EC" or "RSA" (<see cref="KeyTypes"/>).</summary>
    public string Kty { get; }

    /// <summary>"P-256" for EC keys, null for RSA keys.</summary>
    public string? Crv { get; }

    public string? Kid { get; }

    public string? Use { get; }

    /// <summary>The "alg" member as written in the key; it may name a non-JWS algorithm (for example an encryption key's).</summary>
    public string? Alg { get; }

    public IReadOnlyList<string>? KeyOps { get; }

    /// <summary>True when the key carries private members ("d", and for RSA the CRT members).</summary>
    public bool IsPrivate { get; }

    public int KeySizeBits { get; }

    /// <summary>Parses one JWK from JSON text with the rules in <see cref="JwkReader"/>.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out Jwk? jwk, out JwkFailure failure)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > JoseLimits.MaxJwkJsonLength)
        {
            jwk = null;
            failure = JwkFailure.TooLarge;
            return false;
        }

        var outcome = StrictJson.TryParse(json, out var root);
        if (outcome != StrictJsonOutcome.Ok)
        {
            jwk = null;
            failure = outcome == StrictJsonOutcome.DuplicateMember ? JwkFailure.DuplicateMember : JwkFailure.Malformed;
            return false;
        }

        return JwkReader.TryRead(root, out jwk, out failure);
    }

    /// <summary>Parses one JWK from an element parsed elsewhere (a header's "jwk", client metadata), with the same rules.</summary>
    public static bool TryParse(JsonElement json, [NotNullWhen(true)] out Jwk? jwk, out JwkFailure failure)
    {
        if (StrictJson.RawLength(json) > JoseLimits.MaxJwkJsonLength)
        {
            jwk = null;
            failure = JwkFailure.TooLarge;
            return false;
        }

        var outcome = StrictJson.Check(json);
        if (outcome != StrictJsonOutcome.Ok)
        {
            jwk = null;
            failure = outcome == StrictJsonOutcome.DuplicateMember ? JwkFailure.DuplicateMember : JwkFailure.Malformed;
            return false;
        }

        return JwkReader.TryRead(json, out jwk, out failure);
    }

    /// <summary>Builds a JWK from a .NET P-256 key. Throws for other curves: that is a programming error, not input.</summary>
    public static Jwk FromECDsa(ECDsa key, string? kid, bool includePrivate)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parameters = key.ExportParameters(includePrivate);
        if (!parameters.Curve.IsNamed || parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("Only P-256 keys are supported (RFC 7518 §3.4, ES256).", nameof(key));
        }

        if (!TryCreateEc(parameters.Q.X!, parameters.Q.Y!, includePrivate ? parameters.D : null, new JwkMetadata(kid, null, null, null), out var jwk, out var failure))
        {
            throw new ArgumentException($"The key cannot be represented as a JWK: {failure}.", nameof(key));
        }

        return jwk;
    }

    /// <summary>Builds a JWK from a .NET RSA key. Throws for keys outside the size limits: a programming error, not input.</summary>
    public static Jwk FromRsa(RSA key, string? kid, bool includePrivate)
    {
        ArgumentNullException.ThrowIfNull(key);
        var p = key.ExportParameters(includePrivate);
        var metadata = new JwkMetadata(kid, null, null, null);

        // .NET pads integers to fixed widths; the JWK form is the minimal big-endian encoding (RFC 7518 §2, Base64urlUInt).
        var publicOnly = new RsaMembers(TrimLeadingZeros(p.Modulus!), TrimLeadingZeros(p.Exponent!), null, null, null, null, null, null);
        var members = includePrivate ? publicOnly with { D = p.D, P = p.P, Q = p.Q, DP = p.DP, DQ = p.DQ, QI = p.InverseQ } : publicOnly;
        if (!TryCreateRsa(members, metadata, out var jwk, out var failure))
        {
            throw new ArgumentException($"The key cannot be represented as a JWK: {failure}.", nameof(key));
        }

        return jwk;
    }

    /// <summary>
    /// True when this key may be used with <paramref name="algorithm"/>: the key type matches (ES256 needs EC P-256,
    /// PS256 and RS256 need RSA), and the key's own "alg", "use" and "key_ops", when present, do not forbid it
    /// (RFC 7517 §4.2-4.4). This is the check that stops algorithm confusion before any cryptography runs.
    /// </summary>
    public bool IsCompatibleWith(JwsAlgorithm algorithm)
    {
        var typeMatches = algorithm switch
        {
            JwsAlgorithm.ES256 => Kty == KeyTypes.EC && Crv == Curves.P256,
            JwsAlgorithm.PS256 or JwsAlgorithm.RS256 => Kty == KeyTypes.RSA,
            _ => false,
        };

        return typeMatches
            && (Alg is null || string.Equals(Alg, JwsAlgorithms.GetName(algorithm), StringComparison.Ordinal))
            && (Use is null || string.Equals(Use, Usages.Signature, StringComparison.Ordinal))
            && (KeyOps is null || KeyOps.Contains(Usages.Sign) || KeyOps.Contains(Usages.Verify));
    }

    /// <summary>The same key without its private members.</summary>
    public Jwk ToPublicKey()
    {
        var metadata = new JwkMetadata(Kid, Use, Alg, KeyOps);
        var created = Kty == KeyTypes.EC
            ? TryCreateEc(_x!, _y!, null, metadata, out var publicKey, out _)
            : TryCreateRsa(new RsaMembers(_rsa.Modulus!, _rsa.Exponent!, null, null, null, null, null, null), metadata, out publicKey, out _);
        return created ? publicKey! : throw new InvalidOperationException("The public half of a valid key failed its checks.");
    }

    /// <summary>The public members plus "kid", "use" and "alg": what a jwks_uri publishes. Never any private member.</summary>
    public string ToPublicJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JoseJson.WriterOptions))
        {
            WritePublicJson(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// RFC 7638 §3 JWK SHA-256 Thumbprint, base64url: the required members only, in lexicographic order, no whitespace
    /// ({"crv","kty","x","y"} for EC, {"e","kty","n"} for RSA). This is the value of "jkt" (RFC 9449 §6.1, "dpop_jkt").
    /// </summary>
    public string ComputeThumbprint()
    {
        // The member values are base64url and the constants are plain ASCII, so no JSON escaping can arise and
        // the string below is exactly the RFC 7638 §3.3 form.
        var required = Kty == KeyTypes.EC
            ? $"{{\"crv\":\"{Crv}\",\"kty\":\"{Kty}\",\"x\":\"{Base64UrlStrict.Encode(_x)}\",\"y\":\"{Base64UrlStrict.Encode(_y)}\"}}"
            : $"{{\"e\":\"{Base64UrlStrict.Encode(_rsa.Exponent)}\",\"kty\":\"{Kty}\",\"n\":\"{Base64UrlStrict.Encode(_rsa.Modulus)}\"}}";
        return Base64UrlStrict.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(required)));
    }

    /// <summary>Never prints key material.</summary>
    public override string ToString() =>
        $"{Kty}{(Crv is null ? string.Empty : " " + Crv)} {KeySizeBits}-bit {(IsPrivate ? "private" : "public")} key{(Kid is null ? string.Empty : " kid=" + Kid)}";

    internal void WritePublicJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("kty", Kty);
        if (Kty == KeyTypes.EC)
        {
            writer.WriteString("crv", Crv);
            writer.WriteString("x", Base64UrlStrict.Encode(_x));
            writer.WriteString("y", Base64UrlStrict.Encode(_y));
        }
        else
        {
            writer.WriteString("n", Base64UrlStrict.Encode(_rsa.Modulus));
            writer.WriteString("e", Base64UrlStrict.Encode(_rsa.Exponent));
        }

        WriteIfPresent(writer, "kid", Kid);
        WriteIfPresent(writer, "use", Use);
        WriteIfPresent(writer, "alg", Alg);
        writer.WriteEndObject();
    }

    /// <summary>Runs one operation on this key's imported .NET key, under its lock (see <see cref="KeyObject"/>).</summary>
    internal T WithKey<T, TState>(Func<AsymmetricAlgorithm, TState, T> operation, TState state) => _keyObject.Use(operation, state);

    /// <summary>A new ECDsa for one operation; the caller disposes it. .NET key objects are not documented as thread-safe.</summary>
    internal ECDsa CreateECDsa()
    {
        if (Kty != KeyTypes.EC)
        {
            throw new InvalidOperationException("Not an EC key.");
        }

        return ECDsa.Create(EcParameters(_x!, _y!, _d));
    }

    /// <summary>A new RSA for one operation; the caller disposes it.</summary>
    internal RSA CreateRsa()
    {
        if (Kty != KeyTypes.RSA)
        {
            throw new InvalidOperationException("Not an RSA key.");
        }

        return RSA.Create(_rsa);
    }

    private static ECParameters EcParameters(byte[] x, byte[] y, byte[]? d) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = x, Y = y },
        D = d,
    };

    private static byte[] TrimLeadingZeros(byte[] value) => value.AsSpan().TrimStart((byte)0).ToArray();

    private static void WriteIfPresent(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}

/// <summary>The optional JWK members BankLink keeps: "kid", "use", "alg", "key_ops" (RFC 7517 §4.2-4.5).</summary>
internal readonly record struct JwkMetadata(string? Kid, string? Use, string? Alg, IReadOnlyList<string>? KeyOps);

/// <summary>The RSA members of a JWK (RFC 7518 §6.3), decoded from base64url, before validation.</summary>
internal readonly record struct RsaMembers(byte[] N, byte[] E, byte[]? D, byte[]? P, byte[]? Q, byte[]? DP, byte[]? DQ, byte[]? QI)
{
    public bool HasAnyPrivateMember => D is not null || P is not null || Q is not null || DP is not null || DQ is not null || QI is not null;
}
