using System.Security.Cryptography;
using System.Text.Json;

namespace BankLink.Jose.Tests;

public sealed class JwkTests
{
    private static string Rfc7517A1Ec => TestKeys.KeyJson(RfcVectors.Rfc7517A1PublicKeys, 0);

    private static string Rfc7517A1Rsa => TestKeys.KeyJson(RfcVectors.Rfc7517A1PublicKeys, 1);

    private static string Rfc7517A2Ec => TestKeys.KeyJson(RfcVectors.Rfc7517A2PrivateKeys, 0);

    private static string Rfc7517A2Rsa => TestKeys.KeyJson(RfcVectors.Rfc7517A2PrivateKeys, 1);

    /// <summary>Replaces one member's value in a JWK (or adds it), keeping everything else.</summary>
    private static string WithMember(string json, string name, object? value)
    {
        var members = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!
            .ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        members[name] = value;
        return JsonSerializer.Serialize(members);
    }

    private static string WithoutMember(string json, string name)
    {
        var members = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
        members.Remove(name);
        return JsonSerializer.Serialize(members);
    }

    private static string FlipLastBit(string base64Url)
    {
        var bytes = Tokens.Decode(base64Url);
        bytes[^1] ^= 1;
        return Tokens.B64(bytes);
    }

    private static string Member(string json, string name) => JsonDocument.Parse(json).RootElement.GetProperty(name).GetString()!;

    [Fact]
    public void TryParse_Rfc7517A1EcPublicKey_MembersRead()
    {
        var parsed = Jwk.TryParse(Rfc7517A1Ec, out var jwk, out var failure);

        Assert.True(parsed, failure.ToString());
        Assert.NotNull(jwk);
        Assert.Equal(JwkFailure.None, failure);
        Assert.Equal("EC", jwk.Kty);
        Assert.Equal("P-256", jwk.Crv);
        Assert.Equal("1", jwk.Kid);
        Assert.Equal("enc", jwk.Use);
        Assert.Null(jwk.Alg);
        Assert.False(jwk.IsPrivate);
        Assert.Equal(256, jwk.KeySizeBits);
        var publicJson = jwk.ToPublicJson();
        Assert.Equal("MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", Member(publicJson, "x"));
        Assert.Equal("4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM", Member(publicJson, "y"));
    }

    [Fact]
    public void TryParse_Rfc7517A1RsaPublicKey_MembersRead()
    {
        var parsed = Jwk.TryParse(Rfc7517A1Rsa, out var jwk, out var failure);

        Assert.True(parsed, failure.ToString());
        Assert.NotNull(jwk);
        Assert.Equal("RSA", jwk.Kty);
        Assert.Null(jwk.Crv);
        Assert.Equal("2011-04-29", jwk.Kid);
        Assert.Equal("RS256", jwk.Alg);
        Assert.False(jwk.IsPrivate);
        Assert.Equal(2048, jwk.KeySizeBits);
        Assert.Equal("AQAB", Member(jwk.ToPublicJson(), "e"));
        Assert.Equal(Member(Rfc7517A1Rsa, "n"), Member(jwk.ToPublicJson(), "n"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void TryParse_Rfc7517A2PrivateKey_IsPrivateAndPublicPartEqualsA1(int index)
    {
        var privateJson = TestKeys.KeyJson(RfcVectors.Rfc7517A2PrivateKeys, index);
        var publicJson = TestKeys.KeyJson(RfcVectors.Rfc7517A1PublicKeys, index);

        var parsed = Jwk.TryParse(privateJson, out var privateKey, out var failure);

        Assert.True(parsed, failure.ToString());
        Assert.NotNull(privateKey);
        Assert.True(privateKey.IsPrivate);
        Assert.Equal(TestKeys.Parse(publicJson).ComputeThumbprint(), privateKey.ComputeThumbprint());
        Assert.Equal(TestKeys.Parse(publicJson).ToPublicJson(), privateKey.ToPublicJson());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ToPublicJson_PrivateKey_HoldsNoPrivateMember(int index)
    {
        var privateKey = TestKeys.Parse(TestKeys.KeyJson(RfcVectors.Rfc7517A2PrivateKeys, index));

        var names = JsonDocument.Parse(privateKey.ToPublicJson()).RootElement.EnumerateObject().Select(m => m.Name).ToHashSet();

        Assert.Empty(names.Intersect(["d", "p", "q", "dp", "dq", "qi", "oth", "k"]));
        Assert.Contains("kid", names);
    }

    [Fact]
    public void TryParse_Rfc7517A2RsaPrivateKey_SignsWhatItsA1PublicKeyVerifies()
    {
        var privateKey = TestKeys.Parse(Rfc7517A2Rsa);
        var token = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.RS256 }, "{}"u8, privateKey);

        Assert.True(JwsReader.TryRead(token, JwsAlgorithms.All, out var jws, out _));
        var verified = jws.TryVerify(TestKeys.Parse(Rfc7517A1Rsa), out var failure);

        Assert.True(verified, failure.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void TryParse_Rfc7517A3SymmetricKey_RefusedAsUnsupportedKeyType(int index)
    {
        var octJson = TestKeys.KeyJson(RfcVectors.Rfc7517A3SymmetricKeys, index);

        var parsed = Jwk.TryParse(octJson, out var jwk, out var failure);

        Assert.False(parsed);
        Assert.Null(jwk);
        Assert.Equal(JwkFailure.UnsupportedKeyType, failure);
    }

    [Theory]
    [InlineData("OKP")]
    [InlineData("ec")] // RFC 7517 §4.1: "kty" is case-sensitive.
    [InlineData("oct")]
    [InlineData("RSA-PSS")]
    public void TryParse_UnknownKeyType_Refused(string kty)
    {
        var parsed = Jwk.TryParse(WithMember(Rfc7517A1Ec, "kty", kty), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.UnsupportedKeyType, failure);
    }

    [Theory]
    [InlineData("P-384")]
    [InlineData("P-521")]
    [InlineData("secp256k1")]
    [InlineData("p-256")]
    public void TryParse_CurveOtherThanP256_Refused(string crv)
    {
        var parsed = Jwk.TryParse(WithMember(Rfc7517A1Ec, "crv", crv), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.UnsupportedCurve, failure);
    }

    [Theory]
    [InlineData("kty")]
    [InlineData("crv")]
    [InlineData("x")]
    [InlineData("y")]
    public void TryParse_EcRequiredMemberMissing_Malformed(string member)
    {
        var parsed = Jwk.TryParse(WithoutMember(Rfc7517A1Ec, member), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.Malformed, failure);
    }

    [Theory]
    [InlineData("n")]
    [InlineData("e")]
    public void TryParse_RsaRequiredMemberMissing_Malformed(string member)
    {
        var parsed = Jwk.TryParse(WithoutMember(Rfc7517A1Rsa, member), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.Malformed, failure);
    }

    [Fact]
    public void TryParse_EcPointNotOnCurve_RefusedAsInvalidKeyMaterial()
    {
        var offCurve = WithMember(Rfc7517A1Ec, "y", FlipLastBit("4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"));

        var parsed = Jwk.TryParse(offCurve, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.InvalidKeyMaterial, failure);
    }

    [Fact]
    public void TryParse_EcCoordinateOf31Bytes_RefusedAsInvalidKeyMaterial()
    {
        var shortX = WithMember(Rfc7517A1Ec, "x", Tokens.B64(Tokens.Decode("MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4").AsSpan(1)));

        var parsed = Jwk.TryParse(shortX, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.InvalidKeyMaterial, failure);
    }

    [Fact]
    public void TryParse_EcPrivateScalarOfAnotherKey_RefusedAsInvalidKeyMaterial()
    {
        // RFC 7517 A.2's public point with RFC 7515 A.3's private scalar: d·G is not the point.
        var mismatched = WithMember(Rfc7517A2Ec, "d", "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI");

        var parsed = Jwk.TryParse(mismatched, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.InvalidKeyMaterial, failure);
    }

    [Fact]
    public void TryParse_Rsa1024BitKey_RefusedAsKeyTooSmall()
    {
        using var rsa = RSA.Create(1024);
        var p = rsa.ExportParameters(false);
        var json = $$"""{"kty":"RSA","n":"{{Tokens.B64(p.Modulus)}}","e":"{{Tokens.B64(p.Exponent)}}"}""";

        var parsed = Jwk.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.KeyTooSmall, failure);
    }

    [Fact]
    public void FromRsa_1024BitKey_Throws()
    {
        using var rsa = RSA.Create(1024);

        Assert.Throws<ArgumentException>(() => Jwk.FromRsa(rsa, "small", includePrivate: false));
    }

    [Fact]
    public void TryParse_RsaModulusAbove8192Bits_RefusedAsKeyTooLarge()
    {
        var modulus = new byte[(JoseLimits.MaxRsaKeySizeBits / 8) + 1];
        modulus[0] = 0x80;
        modulus[^1] = 0x01;
        var json = $$"""{"kty":"RSA","n":"{{Tokens.B64(modulus)}}","e":"AQAB"}""";

        var parsed = Jwk.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.KeyTooLarge, failure);
    }

    [Theory]
    [InlineData("AAEAAQ")] // leading zero octet: not the minimal encoding (RFC 7518 §2)
    [InlineData("AQAA")] // even
    [InlineData("AQ")] // e = 1
    [InlineData("AQEBAQEBAQEB")] // 9 octets
    public void TryParse_RsaBadPublicExponent_RefusedAsInvalidKeyMaterial(string e)
    {
        var parsed = Jwk.TryParse(WithMember(Rfc7517A1Rsa, "e", e), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.InvalidKeyMaterial, failure);
    }

    [Fact]
    public void TryParse_RsaModulusWithLeadingZero_RefusedAsInvalidKeyMaterial()
    {
        var n = Tokens.Decode(Member(Rfc7517A1Rsa, "n"));
        var padded = WithMember(Rfc7517A1Rsa, "n", Tokens.B64([0, .. n]));

        var parsed = Jwk.TryParse(padded, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.InvalidKeyMaterial, failure);
    }

    [Theory]
    [InlineData("p")]
    [InlineData("q")]
    [InlineData("d")]
    [InlineData("qi")]
    public void TryParse_RsaPrivateMemberAltered_RefusedAsInvalidKeyMaterial(string member)
    {
        var altered = WithMember(Rfc7517A2Rsa, member, FlipLastBit(Member(Rfc7517A2Rsa, member)));

        var parsed = Jwk.TryParse(altered, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.InvalidKeyMaterial, failure);
    }

    [Theory]
    [InlineData("p")]
    [InlineData("dp")]
    [InlineData("qi")]
    public void TryParse_RsaPrivateKeyMissingCrtMember_RefusedAsInvalidKeyMaterial(string member)
    {
        var parsed = Jwk.TryParse(WithoutMember(Rfc7517A2Rsa, member), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.InvalidKeyMaterial, failure);
    }

    [Fact]
    public void TryParse_RsaMultiPrimeOth_RefusedAsInvalidKeyMaterial()
    {
        var parsed = Jwk.TryParse(WithMember(Rfc7517A2Rsa, "oth", Array.Empty<object>()), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.InvalidKeyMaterial, failure);
    }

    [Theory]
    [InlineData("""{"kty":"EC","kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}""")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","\u0078":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"}""")]
    public void TryParse_DuplicateMember_Refused(string json)
    {
        var parsed = Jwk.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.DuplicateMember, failure);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"EC\"")]
    [InlineData("{\"kty\":\"EC\",}")]
    [InlineData("{\"kty\":\"EC\" /* comment */}")]
    [InlineData("")]
    public void TryParse_NotAJsonObject_Malformed(string json)
    {
        var parsed = Jwk.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.Malformed, failure);
    }

    public static TheoryData<string, object?> WrongTypedMembers => new()
    {
        { "kid", 1 },
        { "use", true },
        { "alg", new[] { "ES256" } },
        { "x", 12 },
        { "x", "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4=" },
        { "x", "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4+" },
        { "x", "" },
        { "key_ops", "sign" },
        { "key_ops", new[] { "verify", "verify" } },
        { "key_ops", new object[] { "verify", 1 } },
        { "kid", new string('k', JoseLimits.MaxKidLength + 1) },
    };

    [Theory]
    [MemberData(nameof(WrongTypedMembers))]
    public void TryParse_MemberOfWrongTypeOrShape_Malformed(string member, object? value)
    {
        var parsed = Jwk.TryParse(WithMember(Rfc7517A1Ec, member, value), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.Malformed, failure);
    }

    [Fact]
    public void TryParse_UnknownMember_Ignored()
    {
        // RFC 7517 §4: members that are not understood MUST be ignored.
        var parsed = Jwk.TryParse(WithMember(Rfc7517A1Ec, "x5t#S256", "anything"), out var jwk, out var failure);

        Assert.True(parsed, failure.ToString());
        Assert.NotNull(jwk);
        Assert.DoesNotContain("x5t", jwk.ToPublicJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_LongerThanLimit_RefusedAsTooLarge()
    {
        var json = WithMember(Rfc7517A1Ec, "padding", new string(' ', JoseLimits.MaxJwkJsonLength));

        var parsed = Jwk.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.TooLarge, failure);
    }

    [Fact]
    public void TryParse_ElementWithDuplicateMembersParsedElsewhere_Refused()
    {
        // System.Text.Json keeps duplicates by default; the element overload must catch them itself.
        using var document = JsonDocument.Parse("""{"jwk":{"kty":"RSA","kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}}""");

        var parsed = Jwk.TryParse(document.RootElement.GetProperty("jwk"), out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.DuplicateMember, failure);
    }

    [Fact]
    public void TryParse_ElementOverload_SameRulesAsString()
    {
        using var document = JsonDocument.Parse(RfcVectors.Rfc7517A1PublicKeys);
        var element = document.RootElement.GetProperty("keys")[0];

        var parsed = Jwk.TryParse(element, out var jwk, out var failure);

        Assert.True(parsed, failure.ToString());
        Assert.NotNull(jwk);
        Assert.Equal(TestKeys.Parse(Rfc7517A1Ec).ToPublicJson(), jwk.ToPublicJson());
    }

    [Theory]
    [InlineData(JwsAlgorithm.ES256, true, false)]
    [InlineData(JwsAlgorithm.PS256, false, true)]
    [InlineData(JwsAlgorithm.RS256, false, true)]
    public void IsCompatibleWith_KeyTypeDecides(JwsAlgorithm algorithm, bool ec, bool rsa)
    {
        Assert.Equal(ec, TestKeys.EcPrivate.IsCompatibleWith(algorithm));
        Assert.Equal(rsa, TestKeys.RsaPrivate.IsCompatibleWith(algorithm));
    }

    [Fact]
    public void IsCompatibleWith_KeyPinnedToRs256_RefusesPs256()
    {
        // RFC 7517 §4.4: the RFC 7517 A.1 RSA key says "alg":"RS256".
        var jwk = TestKeys.Parse(Rfc7517A1Rsa);

        Assert.True(jwk.IsCompatibleWith(JwsAlgorithm.RS256));
        Assert.False(jwk.IsCompatibleWith(JwsAlgorithm.PS256));
    }

    [Fact]
    public void IsCompatibleWith_EncryptionKey_RefusedForSignatures()
    {
        // RFC 7517 §4.2: the RFC 7517 A.1 EC key says "use":"enc".
        var jwk = TestKeys.Parse(Rfc7517A1Ec);

        Assert.False(jwk.IsCompatibleWith(JwsAlgorithm.ES256));
    }

    [Theory]
    [InlineData(new[] { "encrypt" }, false)]
    [InlineData(new[] { "wrapKey", "deriveKey" }, false)]
    [InlineData(new[] { "verify" }, true)]
    [InlineData(new[] { "sign" }, true)]
    public void IsCompatibleWith_KeyOps_MustAllowSigningOrVerifying(string[] keyOps, bool expected)
    {
        var jwk = TestKeys.Parse(WithMember(WithoutMember(Rfc7517A1Ec, "use"), "key_ops", keyOps));

        Assert.Equal(expected, jwk.IsCompatibleWith(JwsAlgorithm.ES256));
    }

    [Fact]
    public void FromECDsa_PublicExport_ParsesBackToTheSameKey()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var jwk = Jwk.FromECDsa(ecdsa, "k1", includePrivate: false);
        var reparsed = TestKeys.Parse(jwk.ToPublicJson());

        Assert.False(jwk.IsPrivate);
        Assert.Equal("k1", reparsed.Kid);
        Assert.Equal(jwk.ComputeThumbprint(), reparsed.ComputeThumbprint());
    }

    [Fact]
    public void FromECDsa_P384Key_Throws()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => Jwk.FromECDsa(ecdsa, null, includePrivate: false));
    }

    [Fact]
    public void FromRsa_PrivateExport_KeepsPrivateMembersAndPublicJsonHasNone()
    {
        using var rsa = RSA.Create(3072);

        var jwk = Jwk.FromRsa(rsa, null, includePrivate: true);

        Assert.True(jwk.IsPrivate);
        Assert.Equal(3072, jwk.KeySizeBits);
        Assert.Null(jwk.Kid);
        var names = JsonDocument.Parse(jwk.ToPublicJson()).RootElement.EnumerateObject().Select(m => m.Name);
        Assert.Equal(["kty", "n", "e"], names);
    }

    [Fact]
    public void ToPublicKey_PrivateKey_DropsPrivatePartKeepsIdentity()
    {
        var privateKey = TestKeys.EcPrivate;

        var publicKey = privateKey.ToPublicKey();

        Assert.False(publicKey.IsPrivate);
        Assert.Equal(privateKey.Kid, publicKey.Kid);
        Assert.Equal(privateKey.ComputeThumbprint(), publicKey.ComputeThumbprint());
    }

    [Fact]
    public void ToString_PrivateKey_ShowsNoKeyMaterial()
    {
        var privateKey = TestKeys.Parse(Rfc7517A2Ec);

        var text = privateKey.ToString();

        Assert.Equal("EC P-256 256-bit private key kid=1", text);
        Assert.DoesNotContain("870MB6", text, StringComparison.Ordinal);
    }
}
