using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace BankLink.Jose.Tests;

/// <summary>Fresh keys, generated once per test run. Keys are immutable, so sharing them couples no tests.</summary>
internal static class TestKeys
{
    private static readonly Lazy<Jwk> LazyEc = new(() => NewEc("ec-1"));
    private static readonly Lazy<Jwk> LazyEcOther = new(() => NewEc("ec-2"));
    private static readonly Lazy<Jwk> LazyRsa = new(() => NewRsa("rsa-1"));
    private static readonly Lazy<Jwk> LazyRsaOther = new(() => NewRsa("rsa-2"));

    public static Jwk EcPrivate => LazyEc.Value;

    public static Jwk EcOtherPrivate => LazyEcOther.Value;

    public static Jwk RsaPrivate => LazyRsa.Value;

    public static Jwk RsaOtherPrivate => LazyRsaOther.Value;

    public static Jwk NewEc(string? kid = null)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Jwk.FromECDsa(ecdsa, kid, includePrivate: true);
    }

    public static Jwk NewRsa(string? kid = null, int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return Jwk.FromRsa(rsa, kid, includePrivate: true);
    }

    /// <summary>The raw JSON of one key of a JWK Set vector.</summary>
    public static string KeyJson(string setJson, int index)
    {
        using var document = System.Text.Json.JsonDocument.Parse(setJson);
        return document.RootElement.GetProperty("keys")[index].GetRawText();
    }

    public static Jwk FromSet(string setJson, int index) => Parse(KeyJson(setJson, index));

    public static Jwk Parse(string json)
    {
        Assert.True(Jwk.TryParse(json, out var jwk, out var failure), $"JWK refused: {failure}");
        return jwk;
    }
}

/// <summary>Builds compact JWSs byte by byte, including ones BankLink itself would never write.</summary>
internal static class Tokens
{
    public static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    public static string B64(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static byte[] Decode(string segment) => Base64Url.DecodeFromChars(segment);

    /// <summary>Signs the exact header and payload text given.</summary>
    public static string Sign(string headerJson, string payloadJson, JwsAlgorithm algorithm, Jwk key) =>
        JwsWriter.SignRaw(Encoding.UTF8.GetBytes(headerJson), Encoding.UTF8.GetBytes(payloadJson), algorithm, key);

    /// <summary>A token with an arbitrary header, payload and signature, signed by nobody.</summary>
    public static string Unsigned(string headerJson, string payloadJson, ReadOnlySpan<byte> signature) =>
        B64(headerJson) + "." + B64(payloadJson) + "." + B64(signature);

    public static string[] Segments(string compact) => compact.Split('.');

    /// <summary>Flips one bit of one decoded segment and re-encodes it canonically.</summary>
    public static string FlipBit(string compact, int segment, int byteIndex, int bit)
    {
        var parts = Segments(compact);
        var bytes = Decode(parts[segment]);
        bytes[byteIndex] ^= (byte)(1 << bit);
        parts[segment] = B64(bytes);
        return string.Join('.', parts);
    }
}
