using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace BankLink.Jose.Tests;

public sealed class JwsWriterTests
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"iss":"https://banklink.example","sub":"248289761001","nonce":"n-0S6_WzA2Mj"}""");

    private static JwsCompact Read(string compact)
    {
        Assert.True(JwsReader.TryRead(compact, JwsAlgorithms.All, out var jws, out var failure), $"JWS refused: {failure}");
        return jws;
    }

    [Fact]
    public void Sign_Rfc7515A2HeaderAndPayloadWithA2Key_ReproducesThePublishedRs256Jws()
    {
        // RSASSA-PKCS1-v1_5 is deterministic, so the RFC's exact signature must come out again.
        var segments = Tokens.Segments(RfcVectors.Rfc7515A2Jws);
        var key = TestKeys.Parse(RfcVectors.Rfc7515A2RsaKey);

        var compact = JwsWriter.SignRaw(Tokens.Decode(segments[0]), Tokens.Decode(segments[1]), JwsAlgorithm.RS256, key);

        Assert.Equal(RfcVectors.Rfc7515A2Jws, compact);
    }

    [Fact]
    public void Sign_Ps256FreshKey_VerifiesHereAndWithDotNetPssDirectly()
    {
        using var rsa = RSA.Create(2048);
        var key = Jwk.FromRsa(rsa, "ps-1", includePrivate: true);

        var compact = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.PS256, KeyId = "ps-1" }, Payload, key);
        var jws = Read(compact);

        Assert.True(jws.TryVerify(key.ToPublicKey(), out var failure), failure.ToString());
        Assert.Equal(256, jws.Signature.Length);
        Assert.True(rsa.VerifyData(jws.SigningInput.Span, jws.Signature.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.False(rsa.VerifyData(jws.SigningInput.Span, jws.Signature.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Equal(Payload, jws.Payload.ToArray());
    }

    [Fact]
    public void Sign_Es256FreshKey_VerifiesHereAndWithDotNetEcdsaDirectly()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = Jwk.FromECDsa(ecdsa, "es-1", includePrivate: true);

        var compact = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256 }, Payload, key);
        var jws = Read(compact);

        Assert.True(jws.TryVerify(key.ToPublicKey(), out var failure), failure.ToString());
        Assert.Equal(64, jws.Signature.Length);

        // .NET's default ECDSA signature format is IEEE P1363 (R || S), the RFC 7518 §3.4 form.
        Assert.True(ecdsa.VerifyData(jws.SigningInput.Span, jws.Signature.Span, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Sign_Rs256FreshKey_VerifiesHereAndWithDotNetPkcs1Directly()
    {
        using var rsa = RSA.Create(2048);
        var key = Jwk.FromRsa(rsa, null, includePrivate: true);

        var jws = Read(JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.RS256 }, Payload, key));

        Assert.True(jws.TryVerify(key.ToPublicKey(), out var failure), failure.ToString());
        Assert.True(rsa.VerifyData(jws.SigningInput.Span, jws.Signature.Span, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void Sign_Ps256Twice_SignaturesDifferButBothVerify()
    {
        // RFC 7518 §3.5: PSS uses a random salt.
        var header = new JwsHeaderParameters { Algorithm = JwsAlgorithm.PS256 };

        var first = Read(JwsWriter.Sign(header, Payload, TestKeys.RsaPrivate));
        var second = Read(JwsWriter.Sign(header, Payload, TestKeys.RsaPrivate));

        Assert.NotEqual(first.Signature.ToArray(), second.Signature.ToArray());
        Assert.True(first.TryVerify(TestKeys.RsaPrivate, out _));
        Assert.True(second.TryVerify(TestKeys.RsaPrivate, out _));
    }

    [Theory]
    [InlineData(32, true)]
    [InlineData(0, false)]
    [InlineData(20, false)]
    [InlineData(64, false)]
    public void TryVerify_Ps256SaltLength_OnlyTheHashLengthIsAccepted(int saltLength, bool expected)
    {
        // RFC 7518 §3.5: "The size of the salt value is the same size as the hash function output."
        // The signature is built here with raw RSA so the salt length can be chosen; 32 shows the builder is right.
        var signingInput = Tokens.B64("""{"alg":"PS256"}""") + "." + Tokens.B64(Payload);
        using var rsa = TestKeys.RsaPrivate.CreateRsa();
        var signature = PssSign(rsa.ExportParameters(true), Encoding.ASCII.GetBytes(signingInput), saltLength);
        var jws = Read(signingInput + "." + Tokens.B64(signature));

        var verified = jws.TryVerify(TestKeys.RsaPrivate, out var failure);

        Assert.Equal(expected, verified);
        Assert.Equal(expected ? JwsFailure.None : JwsFailure.BadSignature, failure);
    }

    [Fact]
    public void Sign_HeaderParameters_WrittenAndReadBack()
    {
        var header = new JwsHeaderParameters
        {
            Algorithm = JwsAlgorithm.ES256,
            Type = "dpop+jwt",
            KeyId = "k-7",
            EmbeddedKey = TestKeys.EcPrivate,
            AdditionalMembers = new JsonObject { ["nonce"] = "eyJ7S_zG.eyJH0-Z.HX4w-7v", ["n"] = 1 },
        };

        var compact = JwsWriter.Sign(header, new JsonObject { ["jti"] = "-BwC3ESc6acc2lTc", ["iat"] = 1562262616 }, TestKeys.EcPrivate);
        var jws = Read(compact);

        Assert.Equal("dpop+jwt", jws.Header.Typ);
        Assert.Equal("k-7", jws.Header.Kid);
        Assert.Equal(TestKeys.EcPrivate.ComputeThumbprint(), jws.Header.Jwk?.ComputeThumbprint());
        Assert.False(jws.Header.Jwk?.IsPrivate);
        Assert.True(jws.Header.TryGetString("nonce", out var nonce));
        Assert.Equal("eyJ7S_zG.eyJH0-Z.HX4w-7v", nonce);
        Assert.True(jws.TryReadPayloadObject(out var claims));
        Assert.Equal(1562262616, claims.GetProperty("iat").GetInt64());
        var headerText = Encoding.UTF8.GetString(Tokens.Decode(Tokens.Segments(compact)[0]));
        Assert.StartsWith("""{"alg":"ES256","typ":"dpop+jwt","kid":"k-7","jwk":{"kty":"EC",""", headerText, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d\"", headerText, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_JsonPayloadWithJapaneseQuotesAndNewline_WrittenAsUtf8AndReadBackExactly()
    {
        var claims = new JsonObject { ["name"] = "山田 太郎", ["note"] = "a \"quoted\"\nline <b>" };

        var jws = Read(JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256 }, claims, TestKeys.EcPrivate));

        Assert.Contains("\"name\":\"山田 太郎\"", Encoding.UTF8.GetString(jws.Payload.Span), StringComparison.Ordinal);
        Assert.True(jws.TryReadPayloadObject(out var read));
        Assert.Equal("山田 太郎", read.GetProperty("name").GetString());
        Assert.Equal("a \"quoted\"\nline <b>", read.GetProperty("note").GetString());
    }

    [Fact]
    public void Sign_KeyIdNotGiven_NoKidEvenIfTheKeyHasOne()
    {
        var jws = Read(JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256 }, Payload, TestKeys.EcPrivate));

        Assert.Null(jws.Header.Kid);
        Assert.Equal("ec-1", TestKeys.EcPrivate.Kid);
    }

    [Fact]
    public void Sign_PublicKey_Throws()
    {
        var header = new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256 };

        Assert.Throws<ArgumentException>(() => JwsWriter.Sign(header, Payload, TestKeys.EcPrivate.ToPublicKey()));
    }

    [Theory]
    [InlineData(JwsAlgorithm.ES256)]
    [InlineData(JwsAlgorithm.PS256)]
    public void Sign_KeyThatDoesNotFitTheAlgorithm_Throws(JwsAlgorithm algorithm)
    {
        var key = algorithm == JwsAlgorithm.ES256 ? TestKeys.RsaPrivate : TestKeys.EcPrivate;

        Assert.Throws<ArgumentException>(() => JwsWriter.Sign(new JwsHeaderParameters { Algorithm = algorithm }, Payload, key));
    }

    [Theory]
    [InlineData("alg")]
    [InlineData("kid")]
    [InlineData("typ")]
    [InlineData("jwk")]
    [InlineData("crit")]
    [InlineData("b64")]
    public void Sign_ReservedNameAsAdditionalMember_Throws(string name)
    {
        var header = new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, AdditionalMembers = new JsonObject { [name] = "x" } };

        Assert.Throws<ArgumentException>(() => JwsWriter.Sign(header, Payload, TestKeys.EcPrivate));
    }

    /// <summary>EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-256 and MGF1-SHA-256, then RSASP1 with the private exponent.</summary>
    private static byte[] PssSign(RSAParameters key, byte[] message, int saltLength)
    {
        var modulus = new BigInteger(key.Modulus, isUnsigned: true, isBigEndian: true);
        var emBits = (int)modulus.GetBitLength() - 1;
        var emLength = (emBits + 7) / 8;
        var salt = RandomNumberGenerator.GetBytes(saltLength);
        var mPrime = new byte[8 + 32 + saltLength];
        SHA256.HashData(message).CopyTo(mPrime, 8);
        salt.CopyTo(mPrime, 40);
        var h = SHA256.HashData(mPrime);
        var db = new byte[emLength - 32 - 1];
        db[emLength - saltLength - 32 - 2] = 0x01;
        salt.CopyTo(db, emLength - saltLength - 32 - 1);
        var mask = Mgf1(h, db.Length);
        for (var i = 0; i < db.Length; i++)
        {
            db[i] ^= mask[i];
        }

        db[0] &= (byte)(0xFF >> ((8 * emLength) - emBits));
        byte[] em = [.. db, .. h, 0xBC];
        var s = BigInteger.ModPow(new BigInteger(em, isUnsigned: true, isBigEndian: true), new BigInteger(key.D, isUnsigned: true, isBigEndian: true), modulus);
        var signature = new byte[key.Modulus!.Length];
        var sBytes = s.ToByteArray(isUnsigned: true, isBigEndian: true);
        sBytes.CopyTo(signature, signature.Length - sBytes.Length);
        return signature;
    }

    private static byte[] Mgf1(byte[] seed, int length)
    {
        var output = new List<byte>();
        for (uint counter = 0; output.Count < length; counter++)
        {
            byte[] block = [.. seed, (byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter];
            output.AddRange(SHA256.HashData(block));
        }

        return [.. output.Take(length)];
    }
}
