using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>The token endpoint's client_credentials grant, introspection (RFC 7662) and revocation (RFC 7009).</summary>
public sealed class TokenEndpointTests : IAsyncLifetime
{
    private const string TokenUri = ProviderClient.Issuer + "/connect/token";
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private ProviderClient _provider = null!;
    private ProviderClient _other = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _provider = await ProviderClient.RegisterAsync(_app, "grant_management_query grant_management_revoke", ["client_credentials"]);
        _other = await ProviderClient.RegisterAsync(_app, "grant_management_query", ["client_credentials"]);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static Task<HttpResponseMessage> RequestTokenAsync(ProviderClient client, string? scope = null, bool withDpop = true, string grantType = "client_credentials")
    {
        var parameters = new List<KeyValuePair<string, string>> { new("grant_type", grantType) };
        if (scope is not null)
        {
            parameters.Add(new("scope", scope));
        }

        return client.PostAsync("/connect/token", parameters, withDpop ? client.DpopProof("POST", TokenUri) : null);
    }

    private static async Task<string> AccessTokenAsync(ProviderClient client) =>
        (await (await RequestTokenAsync(client)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;

    private static async Task<JsonElement> IntrospectAsync(ProviderClient asClient, string token) =>
        await (await asClient.PostAsync("/connect/introspect", [new("token", token)])).Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task ClientCredentials_WithDpop_DpopBoundProviderTokenThatIntrospectsWithItsKey()
    {
        var response = await RequestTokenAsync(_provider);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("DPoP", body.GetProperty("token_type").GetString());
        Assert.Equal(300, body.GetProperty("expires_in").GetInt32());
        Assert.Equal("grant_management_query grant_management_revoke", body.GetProperty("scope").GetString());
        Assert.False(body.TryGetProperty("refresh_token", out _));

        var introspection = await IntrospectAsync(_provider, body.GetProperty("access_token").GetString()!);
        Assert.True(introspection.GetProperty("active").GetBoolean());
        Assert.Equal(_provider.ClientId, introspection.GetProperty("client_id").GetString());
        Assert.Equal(_provider.DpopKey.ComputeThumbprint(), introspection.GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task ClientCredentials_NarrowerScope_Granted()
    {
        var body = await (await RequestTokenAsync(_provider, "grant_management_query")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("grant_management_query", body.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Token_WithoutDpopProof_400_EveryTokenIsSenderConstrained()
    {
        await AssertErrorAsync(await RequestTokenAsync(_provider, withDpop: false), HttpStatusCode.BadRequest, "invalid_dpop_proof", "BL2301");
    }

    [Fact]
    public async Task Token_ReplayedDpopProof_400()
    {
        var proof = _provider.DpopProof("POST", TokenUri);
        Assert.Equal(HttpStatusCode.OK, (await _provider.PostAsync("/connect/token", [new("grant_type", "client_credentials")], proof)).StatusCode);

        var replay = await _provider.PostAsync("/connect/token", [new("grant_type", "client_credentials")], proof);

        await AssertErrorAsync(replay, HttpStatusCode.BadRequest, "invalid_dpop_proof", "BL2305");
    }

    [Fact]
    public async Task Token_ScopeNotProviderLevel_400InvalidScope()
    {
        await AssertErrorAsync(await RequestTokenAsync(_provider, "balance"), HttpStatusCode.BadRequest, "invalid_scope", "BL2504");
        await AssertErrorAsync(await RequestTokenAsync(_other, "grant_management_revoke"), HttpStatusCode.BadRequest, "invalid_scope", "BL2504");
    }

    [Fact]
    public async Task Token_ClientNotRegisteredForClientCredentials_400UnauthorizedClient()
    {
        var codeFlowClient = await ProviderClient.RegisterAsync(_app);

        await AssertErrorAsync(await RequestTokenAsync(codeFlowClient), HttpStatusCode.BadRequest, "unauthorized_client", "BL2503");
    }

    [Theory]
    [InlineData("password")]
    [InlineData("urn:ietf:params:oauth:grant-type:device_code")]
    public async Task Token_GrantTypeNotOffered_400UnsupportedGrantType(string grantType)
    {
        await AssertErrorAsync(await RequestTokenAsync(_provider, grantType: grantType), HttpStatusCode.BadRequest, "unsupported_grant_type", "BL2502");
    }

    [Fact]
    public async Task Token_AuthorizationCodeByAClientNotRegisteredForIt_400UnauthorizedClient()
    {
        await AssertErrorAsync(await RequestTokenAsync(_provider, grantType: "authorization_code"), HttpStatusCode.BadRequest, "unauthorized_client", "BL2503");
    }

    [Fact]
    public async Task Token_NoGrantType_400()
    {
        await AssertErrorAsync(await _provider.PostAsync("/connect/token", [], _provider.DpopProof("POST", TokenUri)), HttpStatusCode.BadRequest, "invalid_request", "BL2501");
    }

    [Fact]
    public async Task Token_NoClientAuthentication_401()
    {
        var response = await _provider.PostAsync("/connect/token", [new("grant_type", "client_credentials")], _provider.DpopProof("POST", TokenUri), authenticate: false);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", "BL2201");
    }

    [Fact]
    public async Task Introspect_AnotherClientsTokenUnknownOrExpired_OnlyActiveFalse()
    {
        var token = await AccessTokenAsync(_provider);

        var byOther = await IntrospectAsync(_other, token);
        var unknown = await IntrospectAsync(_provider, "blat_" + new string('A', 43));
        var garbage = await IntrospectAsync(_provider, new string('x', 200));
        await _database.ExecuteAsync("UPDATE tokens SET expires_at = created_at + interval '1 millisecond'");
        var expired = await IntrospectAsync(_provider, token);

        foreach (var response in new[] { byOther, unknown, garbage, expired })
        {
            Assert.Equal("""{"active":false}""", response.GetRawText());
        }
    }

    [Fact]
    public async Task Introspect_OversizedToken_400BeforeAnyLookup()
    {
        await AssertErrorAsync(await _provider.PostAsync("/connect/introspect", [new("token", new string('x', 600))]), HttpStatusCode.BadRequest, "invalid_request", "BL2002");
    }

    [Fact]
    public async Task Revoke_OwnToken_200AndInactiveAtOnce()
    {
        var token = await AccessTokenAsync(_provider);

        var response = await _provider.PostAsync("/connect/revoke", [new("token", token), new("token_type_hint", "access_token")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await IntrospectAsync(_provider, token)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Revoke_AnotherClientsOrUnknownToken_200AndNothingRevoked_Rfc7009Section2Point2()
    {
        var token = await AccessTokenAsync(_provider);

        Assert.Equal(HttpStatusCode.OK, (await _other.PostAsync("/connect/revoke", [new("token", token)])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _other.PostAsync("/connect/revoke", [new("token", "blat_unknown")])).StatusCode);
        Assert.True((await IntrospectAsync(_provider, token)).GetProperty("active").GetBoolean());
    }

    [Theory]
    [InlineData("/connect/introspect")]
    [InlineData("/connect/revoke")]
    public async Task IntrospectOrRevoke_NoTokenParameter_400_NoClientAuthentication_401(string path)
    {
        await AssertErrorAsync(await _provider.PostAsync(path, []), HttpStatusCode.BadRequest, "invalid_request", "BL2601");
        await AssertErrorAsync(await _provider.PostAsync(path, [new("token", "x")], authenticate: false), HttpStatusCode.Unauthorized, "invalid_client", "BL2201");
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, string id)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal("https://developer.banklink.example/errors/" + id, body.GetProperty("error_uri").GetString());
    }
}
