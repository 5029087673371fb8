using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Jose;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>The whole code flow: PAR, login, consent, then the code exchanged with private_key_jwt and DPoP, refresh, and replay.</summary>
public sealed class CodeExchangeTests : IAsyncLifetime
{
    private const string TokenUri = ProviderClient.Issuer + "/connect/token";
    private const string Verifier = "verifier-that-is-long-enough-to-be-a-real-pkce-verifier";
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _provider = await ProviderClient.RegisterAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Walks a customer through login and consent (two accounts) and returns the code.</summary>
    private async Task<string> CodeAsync(bool bindDpopAtPar = false)
    {
        var parameters = _provider.ParParameters();
        if (bindDpopAtPar)
        {
            parameters.Add(new("dpop_jkt", _provider.DpopKey.ComputeThumbprint()));
        }

        var requestUri = (await (await _provider.PushAsync(parameters)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
        return await _provider.ConsentAsync(requestUri, "tanaka01", "Sandbox-Tanaka-01", "1000000001", accounts: 2);
    }

    private Task<HttpResponseMessage> ExchangeAsync(string code, string verifier = Verifier, string redirectUri = ProviderClient.RedirectUri, Jwk? dpopKey = null) =>
        _provider.PostAsync("/connect/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri), new("code_verifier", verifier)],
            Proof(dpopKey));

    private string Proof(Jwk? key = null)
    {
        if (key is null)
        {
            return _provider.DpopProof("POST", TokenUri);
        }

        var claims = new System.Text.Json.Nodes.JsonObject { ["jti"] = Guid.NewGuid().ToString(), ["htm"] = "POST", ["htu"] = TokenUri, ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() };
        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, Type = "dpop+jwt", EmbeddedKey = key.ToPublicKey() }, claims, key);
    }

    private async Task<JsonElement> IntrospectAsync(string token) =>
        await (await _provider.PostAsync("/connect/introspect", [new("token", token)])).Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Exchange_CodeWithPkceAndDpop_AccessRefreshAndVerifiableIdToken()
    {
        var response = await ExchangeAsync(await CodeAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("DPoP", body.GetProperty("token_type").GetString());
        Assert.Equal("openid balance", body.GetProperty("scope").GetString());
        var grantId = body.GetProperty("grant_id").GetString()!;
        var access = await IntrospectAsync(body.GetProperty("access_token").GetString()!);
        Assert.True(access.GetProperty("active").GetBoolean());
        Assert.Equal(_provider.DpopKey.ComputeThumbprint(), access.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.Equal(grantId, access.GetProperty("grant_id").GetString());
        Assert.True((await IntrospectAsync(body.GetProperty("refresh_token").GetString()!)).GetProperty("active").GetBoolean());

        var jwks = await _app.CreateClient().GetStringAsync(new Uri("/.well-known/jwks.json", UriKind.Relative));
        Assert.True(JwkSet.TryParse(jwks, out var keys, out _));
        Assert.True(JwsReader.TryRead(body.GetProperty("id_token").GetString()!, JwsAlgorithms.All, out var idToken, out _));
        Assert.True(idToken!.TryVerify(keys!.FindByKid(idToken.Header.Kid!)!, out _));
        Assert.Equal(JwsAlgorithm.ES256, idToken.Algorithm);
        Assert.True(idToken.TryReadPayloadObject(out var claims));
        Assert.Equal(ProviderClient.Issuer, claims.GetProperty("iss").GetString());
        Assert.Equal(_provider.ClientId, claims.GetProperty("aud").GetString());
        Assert.Equal("n-0S6_WzA2Mj", claims.GetProperty("nonce").GetString());
        Assert.Equal(access.GetProperty("sub").GetString(), claims.GetProperty("sub").GetString());
        Assert.Equal(43, claims.GetProperty("sub").GetString()!.Length);
        Assert.True(claims.TryGetProperty("auth_time", out _));
        Assert.Equal(22, claims.GetProperty("at_hash").GetString()!.Length);

        // Password and one-time password: their class and methods, OIDC Core §2 / RFC 8176.
        Assert.Equal("urn:banklink:acr:password-otp", claims.GetProperty("acr").GetString());
        Assert.Equal(["pwd", "otp", "mfa"], claims.GetProperty("amr").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public async Task Exchange_CodeReplayed_FailsAndRevokesWhatTheFirstUseIssued_Rfc6749Section4Point1Point2()
    {
        var code = await CodeAsync();
        var first = await (await ExchangeAsync(code)).Content.ReadFromJsonAsync<JsonElement>();

        var replay = await ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.False((await IntrospectAsync(first.GetProperty("access_token").GetString()!)).GetProperty("active").GetBoolean());
        Assert.False((await IntrospectAsync(first.GetProperty("refresh_token").GetString()!)).GetProperty("active").GetBoolean());
        Assert.Equal("revoked", await _database.ScalarAsync<string>("SELECT status FROM grants"));
    }

    [Fact]
    public async Task Exchange_SameCodeTwiceAtOnce_AtMostOneSucceeds()
    {
        var code = await CodeAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ExchangeAsync(code)));

        // At most one use succeeds; the others are replays, which revoke the grant, so even the winner's
        // tokens are dead (a token is only ever as alive as its grant), whichever request wrote last.
        var succeeded = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.True(succeeded.Count <= 1);
        Assert.Equal("revoked", await _database.ScalarAsync<string>("SELECT status FROM grants"));
        foreach (var response in succeeded)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False((await IntrospectAsync(body.GetProperty("access_token").GetString()!)).GetProperty("active").GetBoolean());
        }
    }

    [Theory]
    [InlineData("wrong-verifier-that-is-long-enough-to-be-a-real-pkce-verifier", ProviderClient.RedirectUri, "BL2512")]
    [InlineData("short", ProviderClient.RedirectUri, "BL2512")]
    [InlineData(Verifier, "https://app.example.com/other", "BL2511")]
    public async Task Exchange_WrongVerifierOrRedirectUri_InvalidGrant(string verifier, string redirectUri, string id)
    {
        var response = await ExchangeAsync(await CodeAsync(), verifier, redirectUri);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.EndsWith(id, body.GetProperty("error_uri").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_CodeBoundAtParToAnotherKey_WrongSender_Rfc9449Section10Point1()
    {
        var code = await CodeAsync(bindDpopAtPar: true);
        var otherKey = Jwk.FromECDsa(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256), null, includePrivate: true);

        var response = await ExchangeAsync(code, dpopKey: otherKey);

        Assert.EndsWith("BL2513", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_SameDpopKey_NewAccessTokenAndTheRefreshTokenKeepsWorking()
    {
        var tokens = await (await ExchangeAsync(await CodeAsync())).Content.ReadFromJsonAsync<JsonElement>();
        var refreshToken = tokens.GetProperty("refresh_token").GetString()!;

        var first = await _provider.PostAsync("/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], Proof());
        var second = await _provider.PostAsync("/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], Proof());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual(tokens.GetProperty("access_token").GetString(), body.GetProperty("access_token").GetString());
        Assert.False(body.TryGetProperty("refresh_token", out _));
        Assert.Equal(tokens.GetProperty("grant_id").GetString(), body.GetProperty("grant_id").GetString());
    }

    [Fact]
    public async Task Refresh_ProofFromAnotherKey_WrongSender()
    {
        var tokens = await (await ExchangeAsync(await CodeAsync())).Content.ReadFromJsonAsync<JsonElement>();
        var otherKey = Jwk.FromECDsa(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256), null, includePrivate: true);

        var response = await _provider.PostAsync("/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", tokens.GetProperty("refresh_token").GetString()!)], Proof(otherKey));

        Assert.EndsWith("BL2513", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_AfterTheGrantEnded_ConsentEndedError()
    {
        var tokens = await (await ExchangeAsync(await CodeAsync())).Content.ReadFromJsonAsync<JsonElement>();
        await _database.ExecuteAsync("UPDATE grants SET status = 'revoked', revoked_at = now()");
        await _app.ChangesArrivedAsync();

        var response = await _provider.PostAsync("/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", tokens.GetProperty("refresh_token").GetString()!)], Proof());

        Assert.EndsWith("BL2521", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
        Assert.False((await IntrospectAsync(tokens.GetProperty("access_token").GetString()!)).GetProperty("active").GetBoolean());
    }

    private async Task<string> RotatingClientRefreshTokenAsync()
    {
        _provider = await ProviderClient.RegisterAsync(_app, configure: m => m["banklink_refresh_token_rotation"] = true);
        return (await (await ExchangeAsync(await CodeAsync())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;
    }

    private async Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        await _provider.PostAsync("/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], Proof());

    private static async Task<string> NewRefreshTokenAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;
    }

    [Fact]
    public async Task Rotation_EachRefreshReplacesTheRefreshToken()
    {
        var first = await RotatingClientRefreshTokenAsync();

        var second = await NewRefreshTokenAsync(await RefreshAsync(first));
        var third = await NewRefreshTokenAsync(await RefreshAsync(second));

        Assert.NotEqual(first, second);
        Assert.NotEqual(second, third);
        Assert.True((await IntrospectAsync(third)).GetProperty("active").GetBoolean());
        Assert.False((await IntrospectAsync(second)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Rotation_ClientNeverGotTheNewTokenAndRetriesWithinTheLeeway_AllowedAndOneSuccessorStaysLive()
    {
        var first = await RotatingClientRefreshTokenAsync();
        var lost = await NewRefreshTokenAsync(await RefreshAsync(first));

        var retried = await NewRefreshTokenAsync(await RefreshAsync(first));

        Assert.False((await IntrospectAsync(lost)).GetProperty("active").GetBoolean());
        Assert.True((await IntrospectAsync(retried)).GetProperty("active").GetBoolean());
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM tokens WHERE kind = 'refresh_token' AND status = 'active'"));
    }

    [Fact]
    public async Task Rotation_OldTokenAfterItsSuccessorWasUsed_ReuseRevokesTheWholeGrant_Rfc9700Section4Point14Point2()
    {
        var first = await RotatingClientRefreshTokenAsync();
        var second = await NewRefreshTokenAsync(await RefreshAsync(first));
        var third = await NewRefreshTokenAsync(await RefreshAsync(second));

        var reuse = await RefreshAsync(first);

        Assert.EndsWith("BL2522", (await reuse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
        Assert.Equal("revoked", await _database.ScalarAsync<string>("SELECT status FROM grants"));
        Assert.False((await IntrospectAsync(third)).GetProperty("active").GetBoolean());
        Assert.Equal("refresh token reused", await _database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'reason' FROM audit_events WHERE event_type = 'link_revoked' AND actor_kind = 'system'"));

        // The operators' dashboard counts the refusal (revoked) among the client's token requests.
        await _app.Services.GetRequiredService<BankLink.Data.Operations.Dashboard.RefusalCounter>().FlushAsync(CancellationToken.None);
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT coalesce(sum(count), 0)::bigint FROM refusal_counts WHERE reason = 'revoked'"));
        Assert.True(await _database.ScalarAsync<long>("SELECT coalesce(sum(count), 0)::bigint FROM request_counts") >= 4);
    }

    [Fact]
    public async Task Rotation_RetryAfterTheLeeway_IsReuse()
    {
        var first = await RotatingClientRefreshTokenAsync();
        await NewRefreshTokenAsync(await RefreshAsync(first));
        await _database.ExecuteAsync("UPDATE tokens SET redeemed_at = redeemed_at - interval '10 minutes' WHERE redeemed_at IS NOT NULL AND kind = 'refresh_token'");
        await _app.ChangesArrivedAsync();

        var late = await RefreshAsync(first);

        Assert.EndsWith("BL2522", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_SameClientAssertionSeveralTimesAtOnce_ExactlyOneAccepted_Rfc7523Section3Item7()
    {
        var refreshToken = await NewRefreshTokenAsync(await ExchangeAsync(await CodeAsync()));
        var assertion = _provider.Assertion();

        // One assertion, each request with its own fresh DPoP proof: only the assertion's jti is shared.
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SendTokenRequestAsync(
            [new("grant_type", "refresh_token"), new("refresh_token", refreshToken),
             new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), new("client_assertion", assertion)], Proof())));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            var body = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Refresh_SameDpopProofSeveralTimesAtOnce_ExactlyOneAccepted_Rfc9449Section11Point1()
    {
        var refreshToken = await NewRefreshTokenAsync(await ExchangeAsync(await CodeAsync()));
        var proof = Proof();

        // One proof, each request with its own fresh client assertion: only the proof's jti is shared.
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _provider.PostAsync("/connect/token",
            [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], proof)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            var body = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("invalid_dpop_proof", body.GetProperty("error").GetString());
        }
    }

    private async Task<HttpResponseMessage> SendTokenRequestAsync(List<KeyValuePair<string, string>> form, string proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("DPoP", proof);
        return await _app.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task Rotation_SameTokenSeveralTimesAtOnce_ExactlyOneLiveSuccessor()
    {
        var first = await RotatingClientRefreshTokenAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RefreshAsync(first)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM tokens WHERE kind = 'refresh_token' AND status = 'active'"));
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM grants"));
    }

}
