using System.Text;

namespace BankLink.Jose.Tests;

public sealed class JwsReaderTests
{
    private const string EcPayload = """{"sub":"s6BhdRkqt3"}""";

    private static Jwk Rfc7515A2PublicKey => TestKeys.Parse(RfcVectors.Rfc7515A2RsaKey).ToPublicKey();

    private static Jwk Rfc7515A3PublicKey => TestKeys.Parse(RfcVectors.Rfc7515A3EcKey).ToPublicKey();

    private static JwsCompact Read(string compact, IReadOnlySet<JwsAlgorithm>? allowed = null)
    {
        Assert.True(JwsReader.TryRead(compact, allowed ?? JwsAlgorithms.All, out var jws, out var failure), $"JWS refused: {failure}");
        return jws;
    }

    private static JwsFailure ReadFailure(string compact, IReadOnlySet<JwsAlgorithm>? allowed = null)
    {
        Assert.False(JwsReader.TryRead(compact, allowed ?? JwsAlgorithms.All, out var jws, out var failure));
        Assert.Null(jws);
        return failure;
    }

    private static JwsFailure VerifyFailure(string compact, Jwk key)
    {
        Assert.False(Read(compact).TryVerify(key, out var failure));
        return failure;
    }

    [Fact]
    public void TryVerify_Rfc7515A2Rs256Example_VerifiesWithTheA2Key()
    {
        var jws = Read(RfcVectors.Rfc7515A2Jws);

        var verified = jws.TryVerify(Rfc7515A2PublicKey, out var failure);

        Assert.True(verified, failure.ToString());
        Assert.Equal(JwsFailure.None, failure);
        Assert.Equal(JwsAlgorithm.RS256, jws.Algorithm);
        Assert.Null(jws.Header.Kid);
        Assert.Equal(RfcVectors.Rfc7515ExamplePayload, Encoding.UTF8.GetString(jws.Payload.Span));
        Assert.Equal(RfcVectors.Rfc7515A2Jws[..RfcVectors.Rfc7515A2Jws.LastIndexOf('.')], Encoding.ASCII.GetString(jws.SigningInput.Span));
    }

    [Fact]
    public void TryVerify_Rfc7515A3Es256Example_VerifiesWithTheA3Key()
    {
        var jws = Read(RfcVectors.Rfc7515A3Jws);

        var verified = jws.TryVerify(Rfc7515A3PublicKey, out var failure);

        Assert.True(verified, failure.ToString());
        Assert.Equal(JwsAlgorithm.ES256, jws.Algorithm);
        Assert.Equal(64, jws.Signature.Length); // RFC 7518 §3.4: R || S
        Assert.Equal(RfcVectors.Rfc7515ExamplePayload, Encoding.UTF8.GetString(jws.Payload.Span));
    }

    [Fact]
    public void TryVerify_Rfc7515A3ExampleWithAnotherP256Key_BadSignature()
    {
        var otherKey = TestKeys.Parse(RfcVectors.Rfc9449ExampleJwk);

        Assert.Equal(JwsFailure.BadSignature, VerifyFailure(RfcVectors.Rfc7515A3Jws, otherKey));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(128, 3)]
    [InlineData(255, 7)]
    public void TryVerify_Rfc7515A2SignatureBitFlipped_BadSignature(int byteIndex, int bit)
    {
        var tampered = Tokens.FlipBit(RfcVectors.Rfc7515A2Jws, segment: 2, byteIndex, bit);

        Assert.Equal(JwsFailure.BadSignature, VerifyFailure(tampered, Rfc7515A2PublicKey));
    }

    [Fact]
    public void TryVerify_Rfc7515A2PayloadBitFlipped_BadSignature()
    {
        // "joe" becomes "koe".
        var tampered = Tokens.FlipBit(RfcVectors.Rfc7515A2Jws, segment: 1, byteIndex: 8, bit: 0);

        Assert.Equal(JwsFailure.BadSignature, VerifyFailure(tampered, Rfc7515A2PublicKey));
    }

    [Theory]
    [InlineData(8, 0, JwsFailure.AlgorithmNotSupported)] // {"alg":"SS256"}
    [InlineData(2, 5, JwsFailure.MalformedHeader)] // {"Alg":"RS256"}: no "alg"
    [InlineData(14, 0, JwsFailure.MalformedHeader)] // {"alg":"RS256"| is not JSON
    public void TryRead_Rfc7515A2HeaderBitFlipped_Refused(int byteIndex, int bit, JwsFailure expected)
    {
        var tampered = Tokens.FlipBit(RfcVectors.Rfc7515A2Jws, segment: 0, byteIndex, bit);

        Assert.Equal(expected, ReadFailure(tampered));
    }

    [Fact]
    public void TryRead_Rfc7515A2EveryBitOfSigningInputAndSignature_NoFlipVerifies()
    {
        var key = Rfc7515A2PublicKey;
        var segments = Tokens.Segments(RfcVectors.Rfc7515A2Jws);
        for (var segment = 0; segment < 3; segment++)
        {
            var length = Tokens.Decode(segments[segment]).Length;
            for (var index = 0; index < length; index++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    var tampered = Tokens.FlipBit(RfcVectors.Rfc7515A2Jws, segment, index, bit);
                    var verified = JwsReader.TryRead(tampered, JwsAlgorithms.All, out var jws, out var failure) && jws.TryVerify(key, out failure);

                    Assert.False(verified, $"segment {segment} byte {index} bit {bit} still verified");
                    Assert.NotEqual(JwsFailure.None, failure);
                }
            }
        }
    }

    [Fact]
    public void TryVerify_HeaderReencodedWithExtraSpace_BadSignature()
    {
        // The signature covers the header's bytes, not its meaning (RFC 7515 §5.2 step 8).
        var segments = Tokens.Segments(RfcVectors.Rfc7515A2Jws);
        var reencoded = Tokens.B64("""{"alg":"RS256" }""") + "." + segments[1] + "." + segments[2];

        Assert.Equal(JwsFailure.BadSignature, VerifyFailure(reencoded, Rfc7515A2PublicKey));
    }

    [Fact]
    public void TryRead_LongerThanLimit_RefusedAsTooLarge()
    {
        var segments = Tokens.Segments(RfcVectors.Rfc7515A3Jws);
        var oversized = segments[0] + "." + new string('A', JoseLimits.MaxCompactJwsLength) + "." + segments[2];

        Assert.Equal(JwsFailure.TooLarge, ReadFailure(oversized));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30")] // two segments
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.AAAA.AAAA")] // four segments
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.AAAA.AAAA.AAAA")] // five: a JWE shape
    [InlineData(".e30.AAAA")] // empty header
    public void TryRead_NotThreeSegmentsOrEmptyHeader_MalformedSerialization(string compact)
    {
        Assert.Equal(JwsFailure.MalformedSerialization, ReadFailure(compact));
    }

    public static TheoryData<string> NonBase64UrlVariants()
    {
        var s = Tokens.Segments(RfcVectors.Rfc7515A3Jws);
        return new TheoryData<string>
        {
            s[0] + "=." + s[1] + "." + s[2], // padding in the header
            s[0] + "." + s[1] + "==." + s[2], // padding in the payload ("...fQ==")
            s[0] + "." + s[1] + "." + s[2] + "==", // padding in the signature
            s[0] + "." + s[1] + "." + s[2].Replace('-', '+').Replace('_', '/'), // standard alphabet
            s[0] + "." + s[1] + "." + s[2].Insert(10, " "), // whitespace
            s[0] + "." + s[1] + "." + s[2].Insert(10, "\n"),
            " " + RfcVectors.Rfc7515A3Jws,
            RfcVectors.Rfc7515A3Jws + "\n",
        };
    }

    [Theory]
    [MemberData(nameof(NonBase64UrlVariants))]
    public void TryRead_PaddingStandardAlphabetOrWhitespace_MalformedSerialization(string compact)
    {
        Assert.Equal(JwsFailure.MalformedSerialization, ReadFailure(compact));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"alg\":\"ES256\"}]")]
    [InlineData("\"ES256\"")]
    [InlineData("null")]
    [InlineData("1")]
    [InlineData("{")]
    [InlineData("{\"alg\":\"ES256\",}")]
    [InlineData("{}")]
    [InlineData("{\"alg\":null}")]
    [InlineData("{\"alg\":256}")]
    [InlineData("{\"alg\":[\"ES256\"]}")]
    public void TryRead_HeaderNotAnObjectOrWithoutStringAlg_MalformedHeader(string header)
    {
        var compact = Tokens.Unsigned(header, EcPayload, new byte[64]);

        Assert.Equal(JwsFailure.MalformedHeader, ReadFailure(compact));
    }

    [Fact]
    public void TryRead_HeaderNotUtf8_MalformedHeader()
    {
        var compact = Tokens.B64([(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}']) + "." + Tokens.B64(EcPayload) + "." + Tokens.B64(new byte[64]);

        Assert.Equal(JwsFailure.MalformedHeader, ReadFailure(compact));
    }

    [Theory]
    [InlineData("""{"alg":"ES256","alg":"ES256"}""")]
    [InlineData("""{"alg":"ES256","alg":"none"}""")]
    [InlineData("""{"alg":"ES256","al\u0067":"none"}""")] // the same name once unescaped
    [InlineData("""{"alg":"ES256","kid":"a","kid":"b"}""")]
    [InlineData("""{"alg":"ES256","jwk":{"kty":"EC","kty":"RSA"}}""")] // nested
    public void TryRead_DuplicateHeaderMember_Refused(string header)
    {
        var compact = Tokens.Sign(header, EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate);

        Assert.Equal(JwsFailure.DuplicateHeaderMember, ReadFailure(compact));
    }

    [Theory]
    [InlineData("""{"alg":"ES256","crit":["exp"],"exp":1363284000}""")]
    [InlineData("""{"alg":"ES256","crit":["b64"],"b64":true}""")]
    [InlineData("""{"alg":"ES256","crit":[]}""")]
    [InlineData("""{"alg":"ES256","crit":"exp"}""")]
    public void TryRead_CritPresentEvenWithValidSignature_CriticalHeaderNotSupported(string header)
    {
        var compact = Tokens.Sign(header, EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate);

        Assert.Equal(JwsFailure.CriticalHeaderNotSupported, ReadFailure(compact));
    }

    [Fact]
    public void TryRead_B64False_UnencodedPayloadNotSupported()
    {
        var compact = Tokens.Sign("""{"alg":"ES256","b64":false}""", EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate);

        Assert.Equal(JwsFailure.UnencodedPayloadNotSupported, ReadFailure(compact));
    }

    [Fact]
    public void TryRead_B64NotABoolean_MalformedHeader()
    {
        var compact = Tokens.Sign("""{"alg":"ES256","b64":"false"}""", EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate);

        Assert.Equal(JwsFailure.MalformedHeader, ReadFailure(compact));
    }

    [Fact]
    public void TryRead_B64True_ReadAsTheDefault()
    {
        var compact = Tokens.Sign("""{"alg":"ES256","b64":true}""", EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate);

        Assert.True(Read(compact).TryVerify(TestKeys.EcPrivate, out var failure), failure.ToString());
    }

    [Theory]
    [InlineData("""{"alg":"ES256","kid":1}""")]
    [InlineData("""{"alg":"ES256","kid":null}""")]
    [InlineData("""{"alg":"ES256","typ":["JWT"]}""")]
    [InlineData("""{"alg":"ES256","cty":{}}""")]
    public void TryRead_RegisteredMemberOfWrongType_MalformedHeader(string header)
    {
        var compact = Tokens.Sign(header, EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate);

        Assert.Equal(JwsFailure.MalformedHeader, ReadFailure(compact));
    }

    [Fact]
    public void TryRead_KidLongerThanLimit_MalformedHeader()
    {
        var header = $$"""{"alg":"ES256","kid":"{{new string('k', JoseLimits.MaxKidLength + 1)}}"}""";
        var compact = Tokens.Sign(header, EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate);

        Assert.Equal(JwsFailure.MalformedHeader, ReadFailure(compact));
    }

    [Fact]
    public void TryRead_EmbeddedPrivateKey_EmbeddedKeyNotPublic()
    {
        // The private JWK written verbatim into the header: a leaked key, never a verification key.
        var header = $$"""{"alg":"ES256","jwk":{{RfcVectors.Rfc7515A3EcKey}}}""";
        var compact = Tokens.Sign(header, EcPayload, JwsAlgorithm.ES256, TestKeys.Parse(RfcVectors.Rfc7515A3EcKey));

        Assert.Equal(JwsFailure.EmbeddedKeyNotPublic, ReadFailure(compact));
    }

    [Theory]
    [InlineData("""{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}""")]
    [InlineData("\"not a key\"")]
    [InlineData("""{"kty":"EC","crv":"P-384"}""")]
    public void TryRead_EmbeddedKeyNotAcceptable_EmbeddedKeyInvalid(string jwk)
    {
        var compact = Tokens.Sign($$"""{"alg":"ES256","jwk":{{jwk}}}""", EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate);

        Assert.Equal(JwsFailure.EmbeddedKeyInvalid, ReadFailure(compact));
    }

    [Fact]
    public void TryRead_EmptySignatureWithImplementedAlg_MalformedSerialization()
    {
        var compact = Tokens.B64("""{"alg":"ES256"}""") + "." + Tokens.B64(EcPayload) + ".";

        Assert.Equal(JwsFailure.MalformedSerialization, ReadFailure(compact));
    }

    [Fact]
    public void Header_RegisteredAndOtherMembers_Exposed()
    {
        var header = $$"""{"alg":"ES256","kid":"k-1","typ":"JWT","cty":"JWT","nonce":"n-0S6_WzA2Mj","jwk":{{TestKeys.EcPrivate.ToPublicJson()}}}""";
        var jws = Read(Tokens.Sign(header, EcPayload, JwsAlgorithm.ES256, TestKeys.EcPrivate));

        Assert.Equal(JwsAlgorithm.ES256, jws.Header.Alg);
        Assert.Equal("k-1", jws.Header.Kid);
        Assert.Equal("JWT", jws.Header.Typ);
        Assert.Equal("JWT", jws.Header.Cty);
        Assert.Equal(TestKeys.EcPrivate.ComputeThumbprint(), jws.Header.Jwk?.ComputeThumbprint());
        Assert.True(jws.Header.TryGetString("nonce", out var nonce));
        Assert.Equal("n-0S6_WzA2Mj", nonce);
        Assert.False(jws.Header.TryGetString("absent", out _));
    }

    [Fact]
    public void TryReadPayloadObject_ClaimsSet_Read()
    {
        var jws = Read(Tokens.Sign("""{"alg":"ES256"}""", """{"iss":"s6BhdRkqt3","exp":1300819380}""", JwsAlgorithm.ES256, TestKeys.EcPrivate));

        var read = jws.TryReadPayloadObject(out var payload);

        Assert.True(read);
        Assert.Equal("s6BhdRkqt3", payload.GetProperty("iss").GetString());
    }

    [Theory]
    [InlineData("""{"iss":"a","iss":"b"}""")] // RFC 7519 §4: claim names are unique
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("")]
    public void TryReadPayloadObject_DuplicateClaimOrNotAnObject_Refused(string payload)
    {
        var jws = Read(Tokens.Sign("""{"alg":"ES256"}""", payload, JwsAlgorithm.ES256, TestKeys.EcPrivate));

        var read = jws.TryReadPayloadObject(out _);

        Assert.False(read);
    }

    [Fact]
    public void TryRead_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => JwsReader.TryRead(null!, JwsAlgorithms.All, out _, out _));
        Assert.Throws<ArgumentNullException>(() => JwsReader.TryRead(RfcVectors.Rfc7515A3Jws, null!, out _, out _));
    }
}
