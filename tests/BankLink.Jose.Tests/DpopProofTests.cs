using System.Text.Json.Nodes;

namespace BankLink.Jose.Tests;

public sealed class DpopProofTests
{
    private static JsonObject Claims() => new()
    {
        ["jti"] = "e1j3V_bKic8-LAEB",
        ["htm"] = "POST",
        ["htu"] = "https://banklink.example/token",
        ["iat"] = 1562262616,
    };

    private static string Proof(JsonObject claims, Jwk? signingKey = null, JwsAlgorithm algorithm = JwsAlgorithm.ES256)
    {
        var key = signingKey ?? TestKeys.EcPrivate;
        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = algorithm, Type = DpopProof.JwtType, EmbeddedKey = key }, claims, key);
    }

    /// <summary>A proof with the exact header text given, signed by the RFC 7515 A.3 key unless told otherwise.</summary>
    private static string ProofWithHeader(string header, string? payload = null, Jwk? signingKey = null) =>
        Tokens.Sign(header, payload ?? Claims().ToJsonString(), JwsAlgorithm.ES256, signingKey ?? TestKeys.EcPrivate);

    private static DpopProof Read(string proof, IReadOnlySet<JwsAlgorithm>? allowed = null)
    {
        Assert.True(DpopProof.TryRead(proof, allowed ?? JwsAlgorithms.Fapi2, out var dpop, out var failure), $"DPoP proof refused: {failure}");
        Assert.Equal(DpopFailure.None, failure);
        return dpop;
    }

    private static DpopFailure Failure(string proof, IReadOnlySet<JwsAlgorithm>? allowed = null)
    {
        Assert.False(DpopProof.TryRead(proof, allowed ?? JwsAlgorithms.Fapi2, out var dpop, out var failure));
        Assert.Null(dpop);
        return failure;
    }

    private static string EcHeader(string typ = "\"dpop+jwt\"", Jwk? key = null) =>
        $$"""{"typ":{{typ}},"alg":"ES256","jwk":{{(key ?? TestKeys.EcPrivate).ToPublicJson()}}}""";

    [Fact]
    public void TryRead_Rfc9449Figure2Proof_SignatureVerifiesAndClaimsRead()
    {
        var dpop = Read(RfcVectors.Rfc9449Figure2Proof);

        Assert.Equal(JwsAlgorithm.ES256, dpop.Algorithm);
        Assert.Equal("-BwC3ESc6acc2lTc", dpop.Jti);
        Assert.Equal("POST", dpop.Htm);
        Assert.Equal("https://server.example.com/token", dpop.Htu);
        Assert.Equal(1562262616, dpop.Iat);
        Assert.Null(dpop.Ath);
        Assert.Null(dpop.Nonce);
        Assert.False(dpop.PublicKey.IsPrivate);
    }

    [Fact]
    public void TryRead_Rfc9449Figure2Proof_ThumbprintIsTheJktOfFigure9()
    {
        var dpop = Read(RfcVectors.Rfc9449Figure2Proof);

        Assert.Equal(RfcVectors.Rfc9449ExampleJkt, dpop.JwkThumbprint);
    }

    [Fact]
    public void TryRead_Rfc9449Figure13Proof_AthMatchesTheFigure13AccessToken()
    {
        var dpop = Read(RfcVectors.Rfc9449Figure13Proof);

        Assert.Equal("e1j3V_bKic8-LAEB", dpop.Jti);
        Assert.Equal("GET", dpop.Htm);
        Assert.Equal("https://resource.example.org/protectedresource", dpop.Htu);
        Assert.Equal(1562262618, dpop.Iat);
        Assert.Equal(RfcVectors.Rfc9449Figure14Ath, dpop.Ath);
        Assert.Equal(RfcVectors.Rfc9449ExampleJkt, dpop.JwkThumbprint);
        Assert.True(dpop.MatchesAccessToken(RfcVectors.Rfc9449Figure13AccessToken));
        Assert.False(dpop.MatchesAccessToken(RfcVectors.Rfc9449Figure13AccessToken + "x"));
    }

    [Fact]
    public void ComputeAccessTokenHash_Rfc9449Figure13Token_IsTheFigure14Ath()
    {
        Assert.Equal(RfcVectors.Rfc9449Figure14Ath, DpopProof.ComputeAccessTokenHash(RfcVectors.Rfc9449Figure13AccessToken));
    }

    [Fact]
    public void MatchesAccessToken_ProofWithoutAth_False()
    {
        var dpop = Read(RfcVectors.Rfc9449Figure2Proof);

        Assert.False(dpop.MatchesAccessToken(RfcVectors.Rfc9449Figure13AccessToken));
    }

    [Fact]
    public void TryRead_Rfc9449Figure2ProofWithHtmChanged_BadSignature()
    {
        var segments = Tokens.Segments(RfcVectors.Rfc9449Figure2Proof);
        var tampered = segments[0] + "." + Tokens.B64("""{"jti":"-BwC3ESc6acc2lTc","htm":"GET","htu":"https://server.example.com/token","iat":1562262616}""") + "." + segments[2];

        Assert.Equal(DpopFailure.BadSignature, Failure(tampered));
    }

    [Fact]
    public void TryRead_Rfc9449Figure2ProofWhenOnlyPs256Allowed_AlgorithmNotAllowed()
    {
        Assert.Equal(DpopFailure.AlgorithmNotAllowed, Failure(RfcVectors.Rfc9449Figure2Proof, new HashSet<JwsAlgorithm> { JwsAlgorithm.PS256 }));
    }

    [Fact]
    public void TryRead_FreshPs256Proof_ReadWithRsaThumbprint()
    {
        var claims = Claims();
        claims["nonce"] = "eyJ7S_zG.eyJH0-Z.HX4w-7v";
        claims["ath"] = DpopProof.ComputeAccessTokenHash("blat_token");

        var dpop = Read(Proof(claims, TestKeys.RsaPrivate, JwsAlgorithm.PS256));

        Assert.Equal(JwsAlgorithm.PS256, dpop.Algorithm);
        Assert.Equal(TestKeys.RsaPrivate.ComputeThumbprint(), dpop.JwkThumbprint);
        Assert.Equal("eyJ7S_zG.eyJH0-Z.HX4w-7v", dpop.Nonce);
        Assert.True(dpop.MatchesAccessToken("blat_token"));
    }

    [Theory]
    [InlineData("\"jwt\"")]
    [InlineData("\"JWT\"")]
    [InlineData("\"DPoP+JWT\"")]
    [InlineData("\"application/dpop+jwt\"")]
    [InlineData("\"dpop+jwt \"")]
    public void TryRead_TypNotExactlyDpopJwt_WrongType(string typ)
    {
        Assert.Equal(DpopFailure.WrongType, Failure(ProofWithHeader(EcHeader(typ))));
    }

    [Fact]
    public void TryRead_TypMissing_WrongType()
    {
        var header = $$"""{"alg":"ES256","jwk":{{TestKeys.EcPrivate.ToPublicJson()}}}""";

        Assert.Equal(DpopFailure.WrongType, Failure(ProofWithHeader(header)));
    }

    [Fact]
    public void TryRead_PrivateKeyInHeader_KeyNotPublic()
    {
        // RFC 9449 §4.3 check 7. The RFC 7515 A.3 private JWK, verbatim, signs a proof that carries it.
        var header = $$"""{"typ":"dpop+jwt","alg":"ES256","jwk":{{RfcVectors.Rfc7515A3EcKey}}}""";

        Assert.Equal(DpopFailure.KeyNotPublic, Failure(ProofWithHeader(header, signingKey: TestKeys.Parse(RfcVectors.Rfc7515A3EcKey))));
    }

    [Fact]
    public void TryRead_NoJwkInHeader_MissingKey()
    {
        Assert.Equal(DpopFailure.MissingKey, Failure(ProofWithHeader("""{"typ":"dpop+jwt","alg":"ES256","kid":"ec-1"}""")));
    }

    [Fact]
    public void TryRead_SymmetricJwkInHeader_InvalidKey()
    {
        var header = """{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}}""";

        Assert.Equal(DpopFailure.InvalidKey, Failure(ProofWithHeader(header)));
    }

    [Fact]
    public void TryRead_RsaJwkWithEs256_InvalidKey()
    {
        var header = $$"""{"typ":"dpop+jwt","alg":"ES256","jwk":{{TestKeys.RsaPrivate.ToPublicJson()}}}""";

        Assert.Equal(DpopFailure.InvalidKey, Failure(ProofWithHeader(header)));
    }

    [Fact]
    public void TryRead_JwkOfAKeyThatDidNotSign_BadSignature()
    {
        var proof = ProofWithHeader(EcHeader(key: TestKeys.EcOtherPrivate), signingKey: TestKeys.EcPrivate);

        Assert.Equal(DpopFailure.BadSignature, Failure(proof));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS256")]
    [InlineData("ES384")]
    public void TryRead_AlgNoneSymmetricOrUnknown_AlgorithmNotAllowed(string alg)
    {
        var header = $$"""{"typ":"dpop+jwt","alg":"{{alg}}","jwk":{{TestKeys.EcPrivate.ToPublicJson()}}}""";

        Assert.Equal(DpopFailure.AlgorithmNotAllowed, Failure(Tokens.Unsigned(header, Claims().ToJsonString(), new byte[64])));
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("htm")]
    [InlineData("htu")]
    [InlineData("iat")]
    public void TryRead_RequiredClaimMissing_MissingClaim(string claim)
    {
        var claims = Claims();
        claims.Remove(claim);

        Assert.Equal(DpopFailure.MissingClaim, Failure(Proof(claims)));
    }

    public static TheoryData<string, JsonNode?> InvalidClaimValues => new()
    {
        { "jti", 123 },
        { "jti", "" },
        { "jti", new string('j', JoseLimits.MaxDpopJtiLength + 1) },
        { "htm", null },
        { "htm", new JsonArray("POST") },
        { "htu", new string('u', JoseLimits.MaxDpopHtuLength + 1) },
        { "iat", "1562262616" },
        { "iat", 1562262616.5 },
        { "iat", -1 },
        { "ath", "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQE" },
        { "ath", "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo=" },
        { "ath", 1 },
        { "nonce", 7 },
        { "nonce", "" },
        { "nonce", new string('n', JoseLimits.MaxDpopNonceLength + 1) },
    };

    [Theory]
    [MemberData(nameof(InvalidClaimValues))]
    public void TryRead_ClaimOfWrongTypeOrLength_InvalidClaim(string claim, JsonNode? value)
    {
        var claims = Claims();
        claims[claim] = value;

        Assert.Equal(DpopFailure.InvalidClaim, Failure(Proof(claims)));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{"jti":"a","jti":"b","htm":"POST","htu":"https://banklink.example/token","iat":1562262616}""")]
    public void TryRead_ClaimsNotAnObjectOrDuplicated_Malformed(string payload)
    {
        Assert.Equal(DpopFailure.Malformed, Failure(ProofWithHeader(EcHeader(), payload)));
    }

    [Fact]
    public void TryRead_NotAJws_Malformed()
    {
        Assert.Equal(DpopFailure.Malformed, Failure("eyJhbGciOiJFUzI1NiJ9.e30"));
    }

    [Fact]
    public void TryRead_LongerThanLimit_TooLarge()
    {
        var claims = Claims();
        claims["padding"] = new string('p', JoseLimits.MaxDpopProofLength);

        Assert.Equal(DpopFailure.TooLarge, Failure(Proof(claims)));
    }

    [Fact]
    public void TryRead_ExtensionClaim_KeptInPayload()
    {
        // RFC 9449 §4.2: a proof MAY carry other claims.
        var claims = Claims();
        claims["x-request-id"] = "r-1";

        var dpop = Read(Proof(claims));

        Assert.Equal("r-1", dpop.Payload.GetProperty("x-request-id").GetString());
    }
}
