using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using BankLink.Jose;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>Protected resources with DPoP-bound tokens: userinfo (OIDC Core §5.3) and grant management (FAPI Grant Management §6).</summary>
public sealed class ResourceAccessTests : IAsyncLifetime
{
    private const string Verifier = "verifier-that-is-long-enough-to-be-a-real-pkce-verifier";
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _provider = await ProviderClient.RegisterAsync(_app, "openid balance transactions grant_management_query grant_management_revoke",
            ["authorization_code", "refresh_token", "client_credentials"]);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>PAR, login and consent for one account, then the code exchanged: the token response.</summary>
    private async Task<JsonElement> LinkAsync()
    {
        var requestUri = (await (await _provider.PushAsync(_provider.ParParameters())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
        var code = await _provider.ConsentAsync(requestUri, "ito06", "Sandbox-Ito-06", "1000000006", accounts: 1);
        var tokens = await _provider.PostAsync("/connect/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", ProviderClient.RedirectUri), new("code_verifier", Verifier)],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));
        return await tokens.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string> ProviderTokenAsync(string scope) =>
        (await (await _provider.PostAsync("/connect/token", [new("grant_type", "client_credentials"), new("scope", scope)],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string error, string id)
    {
        Assert.Equal(status, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("DPoP", challenge.Scheme);
        Assert.Contains($"error=\"{error}\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("algs=\"ES256 PS256\"", challenge.Parameter, StringComparison.Ordinal);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith(id, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserInfo_DpopBoundToken_ThePairwiseSubOnly()
    {
        var tokens = await LinkAsync();

        var response = await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", tokens.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["sub"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(43, body.GetProperty("sub").GetString()!.Length);
    }

    [Fact]
    public async Task UserInfo_SameCustomerAtTwoProviders_DifferentSubjects()
    {
        var first = await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", (await LinkAsync()).GetProperty("access_token").GetString()!);
        await _database.ExecuteAsync("""
            INSERT INTO providers (id, name, name_ja, description, description_ja, status, created_at)
            VALUES (gen_random_uuid(), 'Second Fintech', '二番目', 'd', 'd', 'active', now())
            """);
        await _database.ExecuteAsync("UPDATE clients SET provider_id = (SELECT id FROM providers WHERE name = 'Second Fintech')");
        await _app.ChangesArrivedAsync();
        var second = await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", (await LinkAsync()).GetProperty("access_token").GetString()!);

        Assert.NotEqual((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sub").GetString(), (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task UserInfo_BearerSchemeOrNoToken_401_DpopDowngradeRefused_Rfc9449Section7Point2()
    {
        var token = (await LinkAsync()).GetProperty("access_token").GetString()!;

        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", token, scheme: "Bearer"), HttpStatusCode.Unauthorized, "invalid_token", "BL2701");
        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", "blat_" + new string('A', 43)), HttpStatusCode.Unauthorized, "invalid_token", "BL2702");
    }

    [Fact]
    public async Task UserInfo_ProofWithoutAthForAnotherUrlOrByAnotherKey_401InvalidDpopProof()
    {
        var token = (await LinkAsync()).GetProperty("access_token").GetString()!;
        var stranger = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), null, includePrivate: true);
        var strangerProof = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, Type = "dpop+jwt", EmbeddedKey = stranger.ToPublicKey() },
            new System.Text.Json.Nodes.JsonObject
            {
                ["jti"] = Guid.NewGuid().ToString(), ["htm"] = "GET", ["htu"] = ProviderClient.Issuer + "/connect/userinfo",
                ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["ath"] = DpopProof.ComputeAccessTokenHash(token),
            }, stranger);

        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", token, proof: _provider.DpopProof("GET", ProviderClient.Issuer + "/connect/userinfo")),
            HttpStatusCode.Unauthorized, "invalid_dpop_proof", "BL2306");
        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", token, proof: _provider.DpopProof("GET", ProviderClient.Issuer + "/grants/x", accessToken: token)),
            HttpStatusCode.Unauthorized, "invalid_dpop_proof", "BL2303");
        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", token, proof: strangerProof),
            HttpStatusCode.Unauthorized, "invalid_dpop_proof", "BL2308");
    }

    [Fact]
    public async Task UserInfo_TokenExpired_SaysExpired()
    {
        var token = (await LinkAsync()).GetProperty("access_token").GetString()!;
        await _database.ExecuteAsync("UPDATE tokens SET expires_at = created_at + interval '1 millisecond' WHERE kind = 'access_token'");
        await _app.ChangesArrivedAsync();

        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", token), HttpStatusCode.Unauthorized, "invalid_token", "BL2703");
    }

    [Fact]
    public async Task GrantManagement_QueryThenRevoke_EveryTokenOfTheGrantDiesAtOnce()
    {
        var tokens = await LinkAsync();
        var grantId = tokens.GetProperty("grant_id").GetString()!;
        var providerToken = await ProviderTokenAsync("grant_management_query grant_management_revoke");

        var query = await _provider.CallResourceAsync(HttpMethod.Get, "/grants/" + grantId, providerToken);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        var grant = await query.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("openid balance", grant.GetProperty("scopes")[0].GetProperty("scope").GetString());
        Assert.Equal(1, grant.GetProperty("accounts").GetArrayLength());

        var revoke = await _provider.CallResourceAsync(HttpMethod.Delete, "/grants/" + grantId, providerToken);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(_provider.ClientId, await _database.ScalarAsync<string>(
            "SELECT actor_id FROM audit_events WHERE event_type = 'link_revoked' AND actor_kind = 'provider' AND grant_id = $1", Guid.Parse(grantId)));

        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", tokens.GetProperty("access_token").GetString()!),
            HttpStatusCode.Unauthorized, "invalid_token", "BL2704");
        var refresh = await _provider.PostAsync("/connect/token", [new("grant_type", "refresh_token"), new("refresh_token", tokens.GetProperty("refresh_token").GetString()!)],
            _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));
        Assert.EndsWith("BL2521", (await refresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error_uri").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCache_ServesRepeatReads_AndAGrantEndedOnAnotherNodeStopsTheTokenHereAtOnce()
    {
        var tokens = await LinkAsync();
        var token = tokens.GetProperty("access_token").GetString()!;
        var cache = _app.Services.GetRequiredService<BankLink.Data.Notifications.AccessTokenCache>();
        Assert.Equal(HttpStatusCode.OK, (await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", token)).StatusCode);
        Assert.True(cache.IsActive);
        Assert.Equal(1, cache.Count);
        Assert.Equal(HttpStatusCode.OK, (await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", token)).StatusCode);

        // A second node on the same database ends the grant (as a customer's or an operator's request there would);
        // this node never asks the database again for the cached token, so only the notification can stop it.
        await using var otherNode = new BankLinkApp(_database.ConnectionString);
        await otherNode.Services.GetRequiredService<BankLink.Protocol.Stores.ITokenStore>()
            .RevokeGrantAsync(Guid.Parse(tokens.GetProperty("grant_id").GetString()!), "ended on another node", DateTimeOffset.UtcNow, CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (cache.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the notification did not arrive within 2 s");
            await Task.Delay(5);
        }

        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Get, "/connect/userinfo", token), HttpStatusCode.Unauthorized, "invalid_token", "BL2704");
    }

    [Fact]
    public async Task GrantManagement_RevokeWithAQueryOnlyToken_403InsufficientScope()
    {
        var grantId = (await LinkAsync()).GetProperty("grant_id").GetString()!;
        var queryOnly = await ProviderTokenAsync("grant_management_query");

        await AssertRefusedAsync(await _provider.CallResourceAsync(HttpMethod.Delete, "/grants/" + grantId, queryOnly), HttpStatusCode.Forbidden, "insufficient_scope", "BL2705");
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM grants"));
    }

    [Fact]
    public async Task GrantManagement_AnotherClientsOrUnknownGrant_404Alike()
    {
        var grantId = (await LinkAsync()).GetProperty("grant_id").GetString()!;
        var other = await ProviderClient.RegisterAsync(_app, "grant_management_query", ["client_credentials"]);
        var otherToken = (await (await other.PostAsync("/connect/token", [new("grant_type", "client_credentials")],
            other.DpopProof("POST", ProviderClient.Issuer + "/connect/token"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await other.CallResourceAsync(HttpMethod.Get, "/grants/" + grantId, otherToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.CallResourceAsync(HttpMethod.Get, "/grants/" + Guid.NewGuid(), otherToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.CallResourceAsync(HttpMethod.Get, "/grants/not-a-guid", otherToken)).StatusCode);
    }

    [Fact]
    public async Task GrantManagement_WithTheCustomersAccessToken_403()
    {
        var tokens = await LinkAsync();

        var response = await _provider.CallResourceAsync(HttpMethod.Get, "/grants/" + tokens.GetProperty("grant_id").GetString(), tokens.GetProperty("access_token").GetString()!);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

}
