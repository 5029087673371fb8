using System.Security.Cryptography;
using System.Text;

namespace BankLink.Jose.Tests;

/// <summary>RFC 8725 §2.1 and §3.1: the token never chooses the algorithm, and no key serves two algorithms.</summary>
public sealed class JwsAlgorithmConfusionTests
{
    private const string Payload = """{"iss":"s6BhdRkqt3","sub":"s6BhdRkqt3","aud":"https://banklink.example/token"}""";

    private static JwsFailure ReadFailure(string compact, IReadOnlySet<JwsAlgorithm> allowed)
    {
        Assert.False(JwsReader.TryRead(compact, allowed, out var jws, out var failure));
        Assert.Null(jws);
        return failure;
    }

    [Fact]
    public void TryRead_Rfc7515A5UnsecuredJwsWithEmptySignature_AlgorithmNotSupported()
    {
        // RFC 7515 Appendix A.5: {"alg":"none"}, the example payload, and an empty signature.
        var unsecured = Tokens.B64("""{"alg":"none"}""") + "." + RfcVectors.Rfc7515ExamplePayloadSegment + ".";

        Assert.Equal("eyJhbGciOiJub25lIn0", Tokens.Segments(unsecured)[0]);
        Assert.Equal(JwsFailure.AlgorithmNotSupported, ReadFailure(unsecured, JwsAlgorithms.All));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    public void TryRead_AlgNoneWithASignatureAttached_AlgorithmNotSupported(string alg)
    {
        var compact = Tokens.Unsigned($$"""{"alg":"{{alg}}"}""", Payload, RandomNumberGenerator.GetBytes(64));

        Assert.Equal(JwsFailure.AlgorithmNotSupported, ReadFailure(compact, JwsAlgorithms.All));
    }

    [Fact]
    public void TryRead_Rfc7515A1Hs256Example_AlgorithmNotSupported()
    {
        Assert.Equal(JwsFailure.AlgorithmNotSupported, ReadFailure(RfcVectors.Rfc7515A1Hs256Jws, JwsAlgorithms.All));
    }

    [Theory]
    [InlineData("jwk")]
    [InlineData("spki")]
    public void TryRead_Hs256MacKeyedWithTheRsaPublicKey_AlgorithmNotSupported(string publicKeyForm)
    {
        // The classic confusion: an attacker MACs with the server's public key, hoping the verifier hands the
        // RSA key's bytes to HMAC. Here the token is refused before any key is even looked up.
        var rsa = TestKeys.RsaPrivate.ToPublicKey();
        using var dotnetRsa = rsa.CreateRsa();
        var secret = publicKeyForm == "jwk" ? Encoding.UTF8.GetBytes(rsa.ToPublicJson()) : dotnetRsa.ExportSubjectPublicKeyInfo();
        var signingInput = Tokens.B64("""{"alg":"HS256","typ":"JWT"}""") + "." + Tokens.B64(Payload);
        var mac = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        var forged = signingInput + "." + Tokens.B64(mac);

        Assert.Equal(JwsFailure.AlgorithmNotSupported, ReadFailure(forged, JwsAlgorithms.All));
    }

    [Fact]
    public void TryRead_Rfc7515A2ValidRs256WhenOnlyFapiAlgorithmsAllowed_AlgorithmNotAllowed()
    {
        // The signature is genuine (see JwsReaderTests); the caller's policy still wins.
        Assert.Equal(JwsFailure.AlgorithmNotAllowed, ReadFailure(RfcVectors.Rfc7515A2Jws, JwsAlgorithms.Fapi2));
    }

    [Fact]
    public void TryRead_ValidEs256WhenOnlyPs256Allowed_AlgorithmNotAllowed()
    {
        Assert.Equal(JwsFailure.AlgorithmNotAllowed, ReadFailure(RfcVectors.Rfc7515A3Jws, new HashSet<JwsAlgorithm> { JwsAlgorithm.PS256 }));
    }

    [Fact]
    public void TryRead_EmptyAllowedSet_EverythingNotAllowed()
    {
        Assert.Equal(JwsFailure.AlgorithmNotAllowed, ReadFailure(RfcVectors.Rfc7515A3Jws, new HashSet<JwsAlgorithm>()));
    }

    [Fact]
    public void TryVerify_Es256TokenWithRsaKey_KeyMismatch()
    {
        Assert.True(JwsReader.TryRead(RfcVectors.Rfc7515A3Jws, JwsAlgorithms.All, out var jws, out _));

        var verified = jws.TryVerify(TestKeys.Parse(RfcVectors.Rfc7515A2RsaKey).ToPublicKey(), out var failure);

        Assert.False(verified);
        Assert.Equal(JwsFailure.KeyMismatch, failure);
    }

    [Theory]
    [InlineData(JwsAlgorithm.PS256)]
    [InlineData(JwsAlgorithm.RS256)]
    public void TryVerify_RsaTokenWithEcKey_KeyMismatch(JwsAlgorithm algorithm)
    {
        var token = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = algorithm }, "{}"u8, TestKeys.RsaPrivate);
        Assert.True(JwsReader.TryRead(token, JwsAlgorithms.All, out var jws, out _));

        var verified = jws.TryVerify(TestKeys.EcPrivate.ToPublicKey(), out var failure);

        Assert.False(verified);
        Assert.Equal(JwsFailure.KeyMismatch, failure);
    }

    [Fact]
    public void TryVerify_Ps256TokenWithKeyPinnedToRs256_KeyMismatch()
    {
        // RFC 7517 A.2's RSA key carries "alg":"RS256"; a PS256 token signed with it is still refused.
        var pinned = TestKeys.FromSet(RfcVectors.Rfc7517A2PrivateKeys, 1);
        using var rsa = pinned.CreateRsa();
        var unpinned = Jwk.FromRsa(rsa, null, includePrivate: true);
        var token = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.PS256 }, "{}"u8, unpinned);
        Assert.True(JwsReader.TryRead(token, JwsAlgorithms.All, out var jws, out _));

        var verified = jws.TryVerify(pinned, out var failure);

        Assert.False(verified);
        Assert.Equal(JwsFailure.KeyMismatch, failure);
        Assert.True(jws.TryVerify(unpinned, out _));
    }

    [Fact]
    public void TryVerify_Ps256SignatureRelabelledRs256_BadSignature()
    {
        var ps256 = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.PS256 }, Encoding.UTF8.GetBytes(Payload), TestKeys.RsaPrivate);
        var signature = Tokens.Segments(ps256)[2];
        var relabelled = Tokens.B64("""{"alg":"RS256"}""") + "." + Tokens.B64(Payload) + "." + signature;
        Assert.True(JwsReader.TryRead(relabelled, JwsAlgorithms.All, out var jws, out _));

        var verified = jws.TryVerify(TestKeys.RsaPrivate, out var failure);

        Assert.False(verified);
        Assert.Equal(JwsFailure.BadSignature, failure);
    }

    [Fact]
    public void TryVerify_Es256SignatureInDerForm_BadSignature()
    {
        // RFC 7518 §3.4: the JWS signature is R || S. A DER SEQUENCE (what many libraries produce natively) is refused.
        var signingInput = Tokens.B64("""{"alg":"ES256"}""") + "." + Tokens.B64(Payload);
        using var ecdsa = TestKeys.EcPrivate.CreateECDsa();
        var der = ecdsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        Assert.True(JwsReader.TryRead(signingInput + "." + Tokens.B64(der), JwsAlgorithms.All, out var jws, out _));

        var verified = jws.TryVerify(TestKeys.EcPrivate, out var failure);

        Assert.False(verified);
        Assert.Equal(JwsFailure.BadSignature, failure);
    }

    [Fact]
    public void TryVerify_SignatureWithEncryptionKey_KeyMismatch()
    {
        // RFC 7517 A.2's EC key is "use":"enc": even its own signature is refused.
        var encryptionKey = TestKeys.FromSet(RfcVectors.Rfc7517A2PrivateKeys, 0);
        using var ecdsa = encryptionKey.CreateECDsa();
        var sameKeyForSigning = Jwk.FromECDsa(ecdsa, null, includePrivate: true);
        var token = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256 }, "{}"u8, sameKeyForSigning);
        Assert.True(JwsReader.TryRead(token, JwsAlgorithms.All, out var jws, out _));

        var verified = jws.TryVerify(encryptionKey, out var failure);

        Assert.False(verified);
        Assert.Equal(JwsFailure.KeyMismatch, failure);
    }
}
