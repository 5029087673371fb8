using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BankLink.Jose;
using BankLink.Protocol.Dpop;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Tests;

/// <summary>RFC 9449 §4.3 proof checking, rule by rule.</summary>
public sealed class DpopProofValidatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 3, 0, 0, TimeSpan.Zero);
    private static readonly Uri TokenEndpoint = new("https://bank.example/connect/token");

    private readonly FixedClock _clock = new(Now);
    private readonly FakeReplayCache _replay = new();
    private readonly FakeNonces _nonces = new();
    private readonly Jwk _key = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), null, includePrivate: true);

    private sealed class FakeNonces : IDpopNonces
    {
        public bool Required { get; set; }

        public string Issue() => "server-nonce";

        public bool IsValid(string? nonce) => nonce == "server-nonce";
    }

    private DpopProofValidator Validator => new(_replay, _nonces, _clock);

    private string Proof(Action<JsonObject>? change = null, Jwk? key = null, string typ = "dpop+jwt", JwsAlgorithm alg = JwsAlgorithm.ES256)
    {
        var signer = key ?? _key;
        var claims = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString(),
            ["htm"] = "POST",
            ["htu"] = TokenEndpoint.ToString(),
            ["iat"] = Now.ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);
        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = alg, Type = typ, EmbeddedKey = signer.ToPublicKey() }, claims, signer);
    }

    private Task<(ValidatedDpopProof? Proof, ProtocolError? Error, string? Detail)> ValidateAsync(string proof, string method = "POST", Uri? uri = null, string? accessToken = null, string? bound = null) =>
        Validator.ValidateAsync(new DpopRequest([proof], method, uri ?? TokenEndpoint, accessToken, bound), CancellationToken.None);

    [Fact]
    public async Task Validate_GoodProof_GivesTheKeyThumbprint()
    {
        var (proof, error, _) = await ValidateAsync(Proof());

        Assert.Null(error);
        Assert.Equal(_key.ComputeThumbprint(), proof?.JwkThumbprint);
    }

    [Fact]
    public async Task Validate_QueryAndFragmentIgnoredAndHostCaseNormalised_Section4Point3Item9()
    {
        var (proof, _, _) = await ValidateAsync(Proof(c => c["htu"] = "https://BANK.example/connect/token"), uri: new Uri("https://bank.example/connect/token?x=1"));

        Assert.NotNull(proof);
    }

    [Fact]
    public async Task Validate_SameProofTwice_Replay_Section11Point1()
    {
        var proof = Proof();

        Assert.Null((await ValidateAsync(proof)).Error);
        Assert.Equal(ErrorCatalogue.DpopProofReplayed, (await ValidateAsync(proof)).Error);
    }

    [Fact]
    public async Task Validate_NoneOrTwoHeaders_Missing_Section4Point3Item1()
    {
        Assert.Equal(ErrorCatalogue.DpopProofMissing, (await Validator.ValidateAsync(new DpopRequest([], "POST", TokenEndpoint), CancellationToken.None)).Error);
        Assert.Equal(ErrorCatalogue.DpopProofMissing, (await Validator.ValidateAsync(new DpopRequest([Proof(), Proof()], "POST", TokenEndpoint), CancellationToken.None)).Error);
    }

    public static TheoryData<string> Malformed() => ["", "abc", "a.b.c", "eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0."];

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Validate_Malformed_Invalid(string proof)
    {
        Assert.Equal(ErrorCatalogue.DpopProofInvalid, (await ValidateAsync(proof)).Error);
    }

    [Fact]
    public async Task Validate_WrongTypRs256OrMissingClaim_Invalid()
    {
        var rsa = Jwk.FromRsa(RSA.Create(2048), null, includePrivate: true);

        Assert.Equal(ErrorCatalogue.DpopProofInvalid, (await ValidateAsync(Proof(typ: "JWT"))).Error);
        Assert.Equal(ErrorCatalogue.DpopProofInvalid, (await ValidateAsync(Proof(key: rsa, alg: JwsAlgorithm.RS256))).Error);
        Assert.Equal(ErrorCatalogue.DpopProofInvalid, (await ValidateAsync(Proof(c => c.Remove("jti")))).Error);
        Assert.Null((await ValidateAsync(Proof(key: rsa, alg: JwsAlgorithm.PS256))).Error);
    }

    [Theory]
    [InlineData("GET", "https://bank.example/connect/token")]
    [InlineData("POST", "https://bank.example/connect/par")]
    [InlineData("POST", "https://other.example/connect/token")]
    [InlineData("POST", "http://bank.example/connect/token")]
    public async Task Validate_ProofForAnotherRequest_WrongRequest(string method, string uri)
    {
        Assert.Equal(ErrorCatalogue.DpopProofWrongRequest, (await ValidateAsync(Proof(c => { c["htm"] = method; c["htu"] = uri; }))).Error);
    }

    [Theory]
    [InlineData(-61)]
    [InlineData(11)]
    [InlineData(-100000)]
    public async Task Validate_IatOutsideTheWindow_Stale(int seconds)
    {
        Assert.Equal(ErrorCatalogue.DpopProofStale, (await ValidateAsync(Proof(c => c["iat"] = Now.AddSeconds(seconds).ToUnixTimeSeconds()))).Error);
    }

    [Fact]
    public async Task Validate_AtAResource_AthMustBeTheTokensHash_Section7Point1()
    {
        const string token = "blat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        var good = await ValidateAsync(Proof(c => c["ath"] = DpopProof.ComputeAccessTokenHash(token)), accessToken: token);
        var missing = await ValidateAsync(Proof(), accessToken: token);
        var other = await ValidateAsync(Proof(c => c["ath"] = DpopProof.ComputeAccessTokenHash(token + "x")), accessToken: token);

        Assert.Null(good.Error);
        Assert.Equal(ErrorCatalogue.DpopProofAccessTokenMismatch, missing.Error);
        Assert.Equal(ErrorCatalogue.DpopProofAccessTokenMismatch, other.Error);
    }

    [Fact]
    public async Task Validate_SignedByAnotherKeyThanTheBoundOne_KeyMismatch()
    {
        var (_, error, _) = await ValidateAsync(Proof(), bound: "some-other-thumbprint");

        Assert.Equal(ErrorCatalogue.DpopKeyMismatch, error);
        Assert.Null((await ValidateAsync(Proof(), bound: _key.ComputeThumbprint())).Error);
    }

    [Fact]
    public async Task Validate_NoncesRequired_OnlyWithAServerNonce_Section8()
    {
        _nonces.Required = true;

        Assert.Equal(ErrorCatalogue.DpopNonceRequired, (await ValidateAsync(Proof())).Error);
        Assert.Equal("use_dpop_nonce", (await ValidateAsync(Proof(c => c["nonce"] = "guessed"))).Error?.Error);
        Assert.Null((await ValidateAsync(Proof(c => c["nonce"] = "server-nonce"))).Error);
    }

    [Fact]
    public async Task Validate_RefusedProof_DoesNotUseUpItsJti()
    {
        var jti = Guid.NewGuid().ToString();

        await ValidateAsync(Proof(c => { c["jti"] = jti; c["htm"] = "GET"; }));

        Assert.Null((await ValidateAsync(Proof(c => c["jti"] = jti))).Error);
    }
}
