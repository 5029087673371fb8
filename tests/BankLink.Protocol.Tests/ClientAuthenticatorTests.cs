using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BankLink.Jose;
using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;

namespace BankLink.Protocol.Tests;

/// <summary>RFC 7523 private_key_jwt (with FAPI 2.0's aud rule) and client_secret_basic for non-FAPI clients.</summary>
public sealed class ClientAuthenticatorTests
{
    private const string Issuer = "https://bank.example";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 3, 0, 0, TimeSpan.Zero);

    private readonly FakeClientStore _clients = new();
    private readonly FakeReplayCache _replay = new();
    private readonly FixedClock _clock = new(Now);
    private readonly Jwk _ecKey = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), "ec-1", includePrivate: true);
    private readonly Jwk _rsaKey = Jwk.FromRsa(RSA.Create(2048), "rsa-1", includePrivate: true);
    private readonly string _secret = OpaqueToken.Create(TokenKind.ClientSecret);

    public ClientAuthenticatorTests()
    {
        _clients.Add(Client("fapi-client", "fapi2", "private_key_jwt", [_ecKey, _rsaKey]));
        _clients.Add(Client("legacy-rs256", "non_fapi", "private_key_jwt", [_rsaKey]));
        _clients.Add(Client("pinned-es256", "fapi2", "private_key_jwt", [_ecKey, _rsaKey], signingAlg: "ES256"));
        _clients.Add(Client("basic-client", "non_fapi", "client_secret_basic", []) with { ClientSecretHash = OpaqueToken.Hash(_secret) });
    }

    private ClientAuthenticator Authenticator => new(_clients, _replay, _clock);

    private static RegisteredClient Client(string id, string profile, string method, Jwk[] keys, string? signingAlg = null)
    {
        var metadata = new JsonObject();
        if (keys.Length > 0)
        {
            metadata["jwks"] = JsonNode.Parse(new JwkSet(keys.Select(k => k.ToPublicKey())).ToPublicJson());
        }

        if (signingAlg is not null)
        {
            metadata["token_endpoint_auth_signing_alg"] = signingAlg;
        }

        return new RegisteredClient(id, Guid.NewGuid(), "12345678", profile, method, metadata, Now);
    }

    private string Assertion(string clientId = "fapi-client", JwsAlgorithm alg = JwsAlgorithm.ES256, Jwk? key = null, Action<JsonObject>? change = null, string? kid = null)
    {
        var claims = new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = Issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = Now.ToUnixTimeSeconds(),
            ["exp"] = Now.AddSeconds(60).ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);
        var signingKey = key ?? (alg == JwsAlgorithm.ES256 ? _ecKey : _rsaKey);
        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = alg, KeyId = kid ?? signingKey.Kid }, claims, signingKey);
    }

    private static ClientCredentials WithAssertion(string assertion, string? clientId = null) =>
        new(clientId, ProtocolConstants.ClientAssertionTypes.JwtBearer, assertion, null, null, null);

    private Task<ClientAuthenticationResult> AuthenticateAsync(ClientCredentials credentials) =>
        Authenticator.AuthenticateAsync(credentials, Issuer, CancellationToken.None);

    private static void AssertRefused(ClientAuthenticationResult result, ProtocolError expected)
    {
        Assert.Null(result.Client);
        Assert.Equal(expected, result.Error);
    }

    [Theory]
    [InlineData(JwsAlgorithm.ES256)]
    [InlineData(JwsAlgorithm.PS256)]
    public async Task PrivateKeyJwt_ValidAssertion_Authenticated(JwsAlgorithm alg)
    {
        var result = await AuthenticateAsync(WithAssertion(Assertion(alg: alg), "fapi-client"));

        Assert.Equal("fapi-client", result.Client?.ClientId);
    }

    [Fact]
    public async Task PrivateKeyJwt_ClientNamedOnlyByIss_Authenticated()
    {
        Assert.NotNull((await AuthenticateAsync(WithAssertion(Assertion()))).Client);
    }

    [Fact]
    public async Task PrivateKeyJwt_SameJtiTwice_SecondIsAReplay_Rfc7523Section3Item7()
    {
        var assertion = Assertion();

        Assert.NotNull((await AuthenticateAsync(WithAssertion(assertion))).Client);
        AssertRefused(await AuthenticateAsync(WithAssertion(assertion)), ErrorCatalogue.ClientAssertionReplayed);
    }

    public static TheoryData<string, Action<JsonObject>> WrongClaims() => new()
    {
        { "aud is the token endpoint", c => c["aud"] = Issuer + "/connect/token" },
        { "aud is an array holding the issuer", c => c["aud"] = new JsonArray(Issuer) },
        { "aud missing", c => c.Remove("aud") },
        { "iss is another client", c => c["iss"] = "legacy-rs256" },
        { "sub is another client", c => c["sub"] = "legacy-rs256" },
        { "jti missing", c => c.Remove("jti") },
        { "jti empty", c => c["jti"] = "" },
        { "jti too long", c => c["jti"] = new string('j', 257) },
    };

    [Theory]
    [MemberData(nameof(WrongClaims))]
    public async Task PrivateKeyJwt_WrongClaims_Refused(string because, Action<JsonObject> change)
    {
        Assert.NotNull(because);
        AssertRefused(await AuthenticateAsync(WithAssertion(Assertion(change: change), "fapi-client")), ErrorCatalogue.ClientAssertionClaimsInvalid);
    }

    public static TheoryData<string, Action<JsonObject>> WrongTimes() => new()
    {
        { "expired", c => c["exp"] = Now.AddSeconds(-31).ToUnixTimeSeconds() },
        { "exp missing", c => c.Remove("exp") },
        { "exp a string", c => c["exp"] = "tomorrow" },
        { "valid for an hour", c => c["exp"] = Now.AddHours(1).ToUnixTimeSeconds() },
        { "issued in the future", c => c["iat"] = Now.AddMinutes(2).ToUnixTimeSeconds() },
        { "not valid yet", c => c["nbf"] = Now.AddMinutes(2).ToUnixTimeSeconds() },
    };

    [Theory]
    [MemberData(nameof(WrongTimes))]
    public async Task PrivateKeyJwt_OutsideItsTimeWindow_Refused(string because, Action<JsonObject> change)
    {
        Assert.NotNull(because);
        AssertRefused(await AuthenticateAsync(WithAssertion(Assertion(change: change))), ErrorCatalogue.ClientAssertionExpired);
    }

    [Fact]
    public async Task PrivateKeyJwt_ExpiredWithinClockSkew_Accepted()
    {
        var result = await AuthenticateAsync(WithAssertion(Assertion(change: c => c["exp"] = Now.AddSeconds(-10).ToUnixTimeSeconds())));

        Assert.NotNull(result.Client);
    }

    [Fact]
    public async Task PrivateKeyJwt_Rs256FromFapiClient_Refused()
    {
        AssertRefused(await AuthenticateAsync(WithAssertion(Assertion(alg: JwsAlgorithm.RS256))), ErrorCatalogue.ClientAssertionInvalid);
    }

    [Fact]
    public async Task PrivateKeyJwt_Rs256FromNonFapiClient_Accepted()
    {
        Assert.NotNull((await AuthenticateAsync(WithAssertion(Assertion("legacy-rs256", JwsAlgorithm.RS256)))).Client);
    }

    [Fact]
    public async Task PrivateKeyJwt_AlgorithmOtherThanRegistered_Refused()
    {
        AssertRefused(await AuthenticateAsync(WithAssertion(Assertion("pinned-es256", JwsAlgorithm.PS256))), ErrorCatalogue.ClientAssertionInvalid);
    }

    [Fact]
    public async Task PrivateKeyJwt_SignedWithAnUnregisteredKey_Refused()
    {
        var stranger = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), "ec-1", includePrivate: true);

        AssertRefused(await AuthenticateAsync(WithAssertion(Assertion(key: stranger))), ErrorCatalogue.ClientAssertionInvalid);
    }

    [Fact]
    public async Task PrivateKeyJwt_UnknownKid_Refused()
    {
        AssertRefused(await AuthenticateAsync(WithAssertion(Assertion(kid: "no-such-kid"))), ErrorCatalogue.ClientAssertionInvalid);
    }

    [Fact]
    public async Task PrivateKeyJwt_TamperedPayload_Refused()
    {
        var parts = Assertion().Split('.');
        var forged = parts[0] + "." + parts[1][..^2] + (parts[1][^2] == 'A' ? "BA" : "AA") + "." + parts[2];

        var result = await AuthenticateAsync(WithAssertion(forged, "fapi-client"));

        Assert.Null(result.Client);
        Assert.Equal("invalid_client", result.Error?.Error);
    }

    [Theory]
    [InlineData("eyJhbGciOiJub25lIn0.eyJpc3MiOiJmYXBpLWNsaWVudCJ9.")]
    [InlineData("not a jwt")]
    [InlineData("")]
    public async Task PrivateKeyJwt_UnsignedOrGarbage_Refused(string assertion)
    {
        AssertRefused(await AuthenticateAsync(WithAssertion(assertion, "fapi-client")), ErrorCatalogue.ClientAssertionInvalid);
    }

    [Fact]
    public async Task PrivateKeyJwt_Oversized_Refused()
    {
        AssertRefused(await AuthenticateAsync(WithAssertion(Assertion(change: c => c["padding"] = new string('x', 20_000)))), ErrorCatalogue.ClientAssertionInvalid);
    }

    [Fact]
    public async Task PrivateKeyJwt_WrongAssertionType_Refused()
    {
        var credentials = new ClientCredentials(null, "urn:ietf:params:oauth:client-assertion-type:saml2-bearer", Assertion(), null, null, null);

        AssertRefused(await AuthenticateAsync(credentials), ErrorCatalogue.ClientAssertionInvalid);
    }

    [Fact]
    public async Task PrivateKeyJwt_ClientIdParameterDiffersFromIss_Refused()
    {
        var result = await AuthenticateAsync(WithAssertion(Assertion("fapi-client"), "legacy-rs256"));

        Assert.Null(result.Client);
    }

    [Fact]
    public async Task PrivateKeyJwt_UnknownClient_RefusedLikeAnyOtherFailure()
    {
        AssertRefused(await AuthenticateAsync(WithAssertion(Assertion("no-such-client"))), ErrorCatalogue.ClientAuthenticationFailed);
    }

    [Fact]
    public async Task Basic_NonFapiClientWithItsSecret_Authenticated()
    {
        var result = await AuthenticateAsync(new ClientCredentials(null, null, null, null, "basic-client", _secret));

        Assert.Equal("basic-client", result.Client?.ClientId);
    }

    [Theory]
    [InlineData("basic-client", "wrong")]
    [InlineData("basic-client", null)]
    [InlineData("fapi-client", "anything")]
    [InlineData("no-such-client", "anything")]
    public async Task Basic_WrongSecretOrNotABasicClient_SameRefusal(string clientId, string? secret)
    {
        AssertRefused(await AuthenticateAsync(new ClientCredentials(null, null, null, null, clientId, secret)), ErrorCatalogue.ClientAuthenticationFailed);
    }

    [Fact]
    public async Task SecretInTheBody_NotOffered()
    {
        AssertRefused(await AuthenticateAsync(new ClientCredentials("basic-client", null, null, _secret, null, null)), ErrorCatalogue.ClientAuthenticationFailed);
    }

    [Fact]
    public async Task TwoMethodsAtOnce_InvalidRequest_Rfc6749Section2Point3()
    {
        AssertRefused(await AuthenticateAsync(new ClientCredentials(null, ProtocolConstants.ClientAssertionTypes.JwtBearer, Assertion(), null, "basic-client", _secret)),
            ErrorCatalogue.MultipleClientAuthentications);
    }

    [Fact]
    public async Task NoAuthentication_Refused()
    {
        AssertRefused(await AuthenticateAsync(new ClientCredentials("fapi-client", null, null, null, null, null)), ErrorCatalogue.ClientAuthenticationMissing);
    }
}
