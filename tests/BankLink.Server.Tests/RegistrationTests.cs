using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Jose;
using BankLink.Protocol.Tokens;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>RFC 7591 dynamic client registration through the real pipeline, gated by onboarding tokens.</summary>
public sealed class RegistrationTests : IAsyncLifetime
{
    private readonly DemoBankDatabase _database = new();
    private BankLinkApp _app = null!;
    private string _onboardingToken = "";

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
        _app.CreateClient();
        var (token, _) = await _app.Services.GetRequiredService<OnboardingTokenStore>().IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);
        _onboardingToken = token.Value;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static JsonObject EcKeys(out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return JsonNode.Parse($$"""{"keys":[{{Jwk.FromECDsa(key, "key-1", includePrivate: false).ToPublicJson()}}]}""")!.AsObject();
    }

    private static JsonObject FapiClient()
    {
        using var _ = ECDsa.Create();
        return new JsonObject
        {
            ["client_name"] = "Kakeibo App",
            ["redirect_uris"] = new JsonArray("https://app.example.com/callback", "http://127.0.0.1:8123/cb"),
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["token_endpoint_auth_signing_alg"] = "ES256",
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["scope"] = "openid balance transactions",
            ["jwks"] = EcKeys(out var key),
        };
    }

    private async Task<HttpResponseMessage> RegisterAsync(string body, string? token, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/register") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _app.CreateClient().SendAsync(request);
    }

    private async Task<long> ClientCountAsync() => await _database.ScalarAsync<long>("SELECT count(*) FROM clients");

    [Fact]
    public async Task Register_FapiClient_201WithClientIdRegistrationTokenAndUri_SecretsStoredOnlyAsHashes()
    {
        var response = await RegisterAsync(FapiClient().ToJsonString(), _onboardingToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var clientId = body.GetProperty("client_id").GetString()!;
        var registrationToken = body.GetProperty("registration_access_token").GetString()!;
        Assert.StartsWith("blc_", clientId, StringComparison.Ordinal);
        Assert.True(OpaqueToken.IsWellFormed(registrationToken, TokenKind.RegistrationAccessToken));
        Assert.Equal($"http://127.0.0.1:5080/connect/register/{clientId}", body.GetProperty("registration_client_uri").GetString());
        Assert.Equal(body.GetProperty("registration_client_uri").GetString(), response.Headers.Location?.ToString());
        Assert.Equal("private_key_jwt", body.GetProperty("token_endpoint_auth_method").GetString());
        Assert.Equal("ES256", body.GetProperty("id_token_signed_response_alg").GetString());
        Assert.True(body.GetProperty("dpop_bound_access_tokens").GetBoolean());
        Assert.Equal("fapi2", body.GetProperty("banklink_profile").GetString());
        Assert.False(body.TryGetProperty("client_secret", out _));

        Assert.Equal(OpaqueToken.Hash(registrationToken), await _database.ScalarAsync<byte[]>("SELECT registration_access_token_hash FROM clients WHERE client_id = $1", clientId));
        Assert.DoesNotContain(registrationToken, await _database.ScalarAsync<string>("SELECT metadata::text FROM clients WHERE client_id = $1", clientId), StringComparison.Ordinal);
        Assert.Equal(1, await _database.ScalarAsync<int>("SELECT use_count FROM onboarding_tokens WHERE id = $1", _onboardingToken[..8]));
    }

    [Fact]
    public async Task Register_NonFapiClientSecretBasic_SecretReturnedOnceAndStoredAsHash()
    {
        var metadata = new JsonObject
        {
            ["client_name"] = "Legacy Budget",
            ["redirect_uris"] = new JsonArray("https://legacy.example.com/cb"),
            ["banklink_profile"] = "non_fapi",
            ["token_endpoint_auth_method"] = "client_secret_basic",
        };

        var response = await RegisterAsync(metadata.ToJsonString(), _onboardingToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("client_secret").GetString()!;
        Assert.True(OpaqueToken.IsWellFormed(secret, TokenKind.ClientSecret));
        Assert.Equal(0, body.GetProperty("client_secret_expires_at").GetInt64());
        var clientId = body.GetProperty("client_id").GetString()!;
        Assert.Equal(OpaqueToken.Hash(secret), await _database.ScalarAsync<byte[]>("SELECT client_secret_hash FROM clients WHERE client_id = $1", clientId));
    }

    [Fact]
    public async Task Register_RsaKeyPs256_Accepted()
    {
        using var rsa = RSA.Create(2048);
        var metadata = FapiClient();
        metadata["jwks"] = JsonNode.Parse($$"""{"keys":[{{Jwk.FromRsa(rsa, "rsa-1", includePrivate: false).ToPublicJson()}}]}""");
        metadata["token_endpoint_auth_signing_alg"] = "PS256";

        var response = await RegisterAsync(metadata.ToJsonString(), _onboardingToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345678@0000000000000000")]
    [InlineData("not-a-token")]
    public async Task Register_MissingUnknownOrMalformedOnboardingToken_401BearerChallengeAndNothingCreated(string? token)
    {
        var response = await RegisterAsync(FapiClient().ToJsonString(), token);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", "BL2101");
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await ClientCountAsync());
    }

    [Fact]
    public async Task Register_ExpiredOnboardingToken_401()
    {
        await _database.ExecuteAsync("UPDATE onboarding_tokens SET created_at = now() - interval '61 days', expires_at = now() - interval '1 day'");

        var response = await RegisterAsync(FapiClient().ToJsonString(), _onboardingToken);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", "BL2101");
    }

    [Fact]
    public async Task Register_NoTokenAndGarbageBody_TokenErrorFirstSoNothingAboutTheBodyLeaks()
    {
        var response = await RegisterAsync("{not json", null);

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", "BL2101");
    }

    [Fact]
    public async Task Register_TokenExpiresAfterUse_RegisteredClientUnaffected()
    {
        var clientId = (await (await RegisterAsync(FapiClient().ToJsonString(), _onboardingToken)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!;

        await _database.ExecuteAsync("UPDATE onboarding_tokens SET expires_at = created_at + interval '1 second'");

        Assert.NotNull(await _app.Services.GetRequiredService<BankLink.Protocol.Stores.IClientStore>().FindAsync(clientId, CancellationToken.None));
    }

    public static TheoryData<string, string, string> BadMetadata()
    {
        JsonObject With(Action<JsonObject> change)
        {
            var metadata = FapiClient();
            change(metadata);
            return metadata;
        }

        using var rsa1024 = RSA.Create(1024);
        using var rsa = RSA.Create(2048);
        var rsaPublic = Jwk.FromRsa(rsa, "r", includePrivate: false).ToPublicJson();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var privateJwk = JsonNode.Parse(Jwk.FromECDsa(ec, "k", includePrivate: false).ToPublicJson())!.AsObject();
        privateJwk["d"] = Convert.ToBase64String(ec.ExportParameters(true).D!).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        return new TheoryData<string, string, string>
        {
            { With(m => m.Remove("redirect_uris")).ToJsonString(), "invalid_redirect_uri", "BL2110" },
            { With(m => m["redirect_uris"] = new JsonArray("http://app.example.com/cb")).ToJsonString(), "invalid_redirect_uri", "BL2110" },
            { With(m => m["redirect_uris"] = new JsonArray("https://app.example.com/cb#frag")).ToJsonString(), "invalid_redirect_uri", "BL2110" },
            { With(m => m["redirect_uris"] = new JsonArray("http://localhost:8080/cb")).ToJsonString(), "invalid_redirect_uri", "BL2110" },
            { With(m => m["redirect_uris"] = new JsonArray("app.example.com/cb")).ToJsonString(), "invalid_redirect_uri", "BL2110" },
            { With(m => m["redirect_uris"] = "https://app.example.com/cb").ToJsonString(), "invalid_redirect_uri", "BL2110" },
            { With(m => m["redirect_uris"] = new JsonArray()).ToJsonString(), "invalid_redirect_uri", "BL2110" },
            { With(m => m["redirect_uris"] = new JsonArray("https://user:pw@app.example.com/cb")).ToJsonString(), "invalid_redirect_uri", "BL2110" },
            { "[]", "invalid_client_metadata", "BL2111" },
            { "{\"client_name\": ", "invalid_client_metadata", "BL2111" },
            { "{\"client_name\":\"a\",\"client_name\":\"b\"}", "invalid_client_metadata", "BL2111" },
            { With(m => m["grant_types"] = "authorization_code").ToJsonString(), "invalid_client_metadata", "BL2112" },
            { With(m => m["token_endpoint_auth_method"] = "client_secret_basic").ToJsonString(), "invalid_client_metadata", "BL2113" },
            { With(m => m["token_endpoint_auth_method"] = "none").ToJsonString(), "invalid_client_metadata", "BL2113" },
            { With(m => m["jwks_uri"] = "https://app.example.com/jwks").ToJsonString(), "invalid_client_metadata", "BL2114" },
            { With(m => m.Remove("jwks")).ToJsonString(), "invalid_client_metadata", "BL2114" },
            { With(m => m["jwks"] = new JsonObject { ["keys"] = new JsonArray(privateJwk) }).ToJsonString(), "invalid_client_metadata", "BL2115" },
            { With(m => m["jwks"] = new JsonObject { ["keys"] = new JsonArray(SmallRsaJwk(rsa1024)) }).ToJsonString(), "invalid_client_metadata", "BL2115" },
            { With(m => m["jwks"] = JsonNode.Parse("""{"keys":[{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA"}]}""")).ToJsonString(), "invalid_client_metadata", "BL2115" },
            { With(m => m["jwks"] = JsonNode.Parse("""{"keys":[]}""")).ToJsonString(), "invalid_client_metadata", "BL2115" },
            { With(m => m["jwks"] = "keys").ToJsonString(), "invalid_client_metadata", "BL2115" },
            { With(m => m["token_endpoint_auth_signing_alg"] = "RS256").ToJsonString(), "invalid_client_metadata", "BL2116" },
            { With(m => m["token_endpoint_auth_signing_alg"] = "HS256").ToJsonString(), "invalid_client_metadata", "BL2116" },
            { With(m => m["token_endpoint_auth_signing_alg"] = "PS256").ToJsonString(), "invalid_client_metadata", "BL2116" },
            { With(m => m["id_token_signed_response_alg"] = "none").ToJsonString(), "invalid_client_metadata", "BL2116" },
            { With(m => m["id_token_signed_response_alg"] = "RS256").ToJsonString(), "invalid_client_metadata", "BL2116" },
            { With(m => m["grant_types"] = new JsonArray("implicit")).ToJsonString(), "invalid_client_metadata", "BL2117" },
            { With(m => m["grant_types"] = new JsonArray("refresh_token")).ToJsonString(), "invalid_client_metadata", "BL2117" },
            { With(m => m["response_types"] = new JsonArray("token")).ToJsonString(), "invalid_client_metadata", "BL2117" },
            { With(m => m["scope"] = "openid payments").ToJsonString(), "invalid_client_metadata", "BL2118" },
            { With(m => m["dpop_bound_access_tokens"] = false).ToJsonString(), "invalid_client_metadata", "BL2119" },
            { With(m => m["dpop_bound_access_tokens"] = "yes").ToJsonString(), "invalid_client_metadata", "BL2112" },
            { With(m => m["logo_uri"] = "http://app.example.com/logo.png").ToJsonString(), "invalid_client_metadata", "BL2120" },
            { With(m => m["policy_uri"] = "javascript:alert(1)").ToJsonString(), "invalid_client_metadata", "BL2120" },
            { With(m => m.Remove("client_name")).ToJsonString(), "invalid_client_metadata", "BL2121" },
            { With(m => m["client_name"] = new string('x', 201)).ToJsonString(), "invalid_client_metadata", "BL2121" },
            { With(m => m["client_name"] = 42).ToJsonString(), "invalid_client_metadata", "BL2121" },
            { With(m => m["contacts"] = new JsonArray("a@x", "b@x", "c@x", "d@x", "e@x", "f@x")).ToJsonString(), "invalid_client_metadata", "BL2121" },
            { With(m => m["software_statement"] = "eyJ...").ToJsonString(), "invalid_software_statement", "BL2122" },
            { With(m => m["banklink_profile"] = "lenient").ToJsonString(), "invalid_client_metadata", "BL2123" },
            { With(m => m["banklink_refresh_token_rotation"] = "yes").ToJsonString(), "invalid_client_metadata", "BL2112" },
            { With(m => { m["jwks"] = JsonNode.Parse($$"""{"keys":[{{rsaPublic}},{{rsaPublic}}]}"""); m["token_endpoint_auth_signing_alg"] = "PS256"; }).ToJsonString(), "invalid_client_metadata", "BL2115" },
        };
    }

    /// <summary>A 1024-bit RSA public key as a JWK, written by hand: the JOSE module will not produce one.</summary>
    private static JsonObject SmallRsaJwk(RSA rsa)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var parameters = rsa.ExportParameters(false);
        return new JsonObject { ["kty"] = "RSA", ["kid"] = "small", ["n"] = B64(parameters.Modulus!), ["e"] = B64(parameters.Exponent!) };
    }

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public async Task Register_BadMetadata_400WithTheRfc7591ErrorAndNothingCreated(string body, string error, string id)
    {
        var response = await RegisterAsync(body, _onboardingToken);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, error, id);
        Assert.Equal(0, await ClientCountAsync());
        Assert.Equal(0, await _database.ScalarAsync<int>("SELECT use_count FROM onboarding_tokens"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Register_WrongContentType_400(string contentType)
    {
        var response = await RegisterAsync(FapiClient().ToJsonString(), _onboardingToken, contentType);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "BL2003");
    }

    [Fact]
    public async Task Register_OversizedBody_400WithoutParsing()
    {
        var metadata = FapiClient();
        metadata["padding"] = new string('x', 40_000);

        var response = await RegisterAsync(metadata.ToJsonString(), _onboardingToken);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "BL2003");
    }

    [Fact]
    public async Task Register_UnknownMembers_IgnoredAndNotEchoed()
    {
        var metadata = FapiClient();
        metadata["x_unknown"] = "value";

        var response = await RegisterAsync(metadata.ToJsonString(), _onboardingToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("x_unknown", out _));
    }

    [Fact]
    public async Task Register_SameTokenTwice_TwoClientsBothCounted()
    {
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(FapiClient().ToJsonString(), _onboardingToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(FapiClient().ToJsonString(), _onboardingToken)).StatusCode);

        Assert.Equal(2, await ClientCountAsync());
        Assert.Equal(2, await _database.ScalarAsync<int>("SELECT use_count FROM onboarding_tokens"));
    }

    private async Task<(string ClientId, string RegistrationToken, JsonObject Metadata)> RegisteredAsync()
    {
        var metadata = FapiClient();
        metadata["logo_uri"] = "https://app.example.com/logo.png";
        var body = await (await RegisterAsync(metadata.ToJsonString(), _onboardingToken)).Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("client_id").GetString()!, body.GetProperty("registration_access_token").GetString()!, metadata);
    }

    private async Task<HttpResponseMessage> ConfigurationAsync(HttpMethod method, string clientId, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, "/connect/register/" + clientId);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _app.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task Read_WithRegistrationAccessToken_CurrentConfigurationWithoutTheToken()
    {
        var (clientId, token, _) = await RegisteredAsync();

        var response = await ConfigurationAsync(HttpMethod.Get, clientId, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(clientId, body.GetProperty("client_id").GetString());
        Assert.Equal("https://app.example.com/logo.png", body.GetProperty("logo_uri").GetString());
        Assert.False(body.TryGetProperty("registration_access_token", out _));
    }

    [Fact]
    public async Task Read_WrongMissingOrAnotherClientsToken_401AndNothingRevealed()
    {
        var (clientId, _, _) = await RegisteredAsync();
        var (_, otherToken, _) = await RegisteredAsync();

        foreach (var token in new[] { null, "garbage", OpaqueToken.Create(TokenKind.RegistrationAccessToken), otherToken })
        {
            var response = await ConfigurationAsync(HttpMethod.Get, clientId, token);
            await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_token", "BL2102");
        }

        await AssertOAuthErrorAsync(await ConfigurationAsync(HttpMethod.Get, "blc_unknown", otherToken), HttpStatusCode.Unauthorized, "invalid_token", "BL2102");
    }

    [Fact]
    public async Task Update_ReplacesTheMetadataAndMembersNotSentAreGone()
    {
        var (clientId, token, metadata) = await RegisteredAsync();
        metadata["client_id"] = clientId;
        metadata["redirect_uris"] = new JsonArray("https://app.example.com/new-callback");
        metadata.Remove("logo_uri");

        var response = await ConfigurationAsync(HttpMethod.Put, clientId, token, metadata.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = await (await ConfigurationAsync(HttpMethod.Get, clientId, token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://app.example.com/new-callback", read.GetProperty("redirect_uris")[0].GetString());
        Assert.False(read.TryGetProperty("logo_uri", out _));
    }

    public static TheoryData<string, string, string> BadUpdates() => new()
    {
        { "no client_id", "invalid_client_metadata", "BL2124" },
        { "other client_id", "invalid_client_metadata", "BL2124" },
        { "registration_access_token sent", "invalid_client_metadata", "BL2124" },
        { "client_secret sent", "invalid_client_metadata", "BL2124" },
        { "auth method changed", "invalid_client_metadata", "BL2124" },
        { "bad redirect", "invalid_redirect_uri", "BL2110" },
        { "not json", "invalid_client_metadata", "BL2111" },
    };

    [Theory]
    [MemberData(nameof(BadUpdates))]
    public async Task Update_Refused_400AndTheConfigurationUnchanged(string change, string error, string id)
    {
        var (clientId, token, metadata) = await RegisteredAsync();
        metadata["client_id"] = clientId;
        switch (change)
        {
            case "no client_id": metadata.Remove("client_id"); break;
            case "other client_id": metadata["client_id"] = "blc_other"; break;
            case "registration_access_token sent": metadata["registration_access_token"] = token; break;
            case "client_secret sent": metadata["client_secret"] = "x"; break;
            case "auth method changed": metadata["banklink_profile"] = "non_fapi"; metadata["token_endpoint_auth_method"] = "client_secret_basic"; break;
            case "bad redirect": metadata["redirect_uris"] = new JsonArray("http://evil.example.com/cb"); break;
        }

        var response = await ConfigurationAsync(HttpMethod.Put, clientId, token, change == "not json" ? "{" : metadata.ToJsonString());

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, error, id);
        var read = await (await ConfigurationAsync(HttpMethod.Get, clientId, token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://app.example.com/logo.png", read.GetProperty("logo_uri").GetString());
    }

    [Fact]
    public async Task Delete_204ThenTheClientAndItsTokenAreGone()
    {
        var (clientId, token, _) = await RegisteredAsync();

        var deleted = await ConfigurationAsync(HttpMethod.Delete, clientId, token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await AssertOAuthErrorAsync(await ConfigurationAsync(HttpMethod.Get, clientId, token), HttpStatusCode.Unauthorized, "invalid_token", "BL2102");
        await AssertOAuthErrorAsync(await ConfigurationAsync(HttpMethod.Delete, clientId, token), HttpStatusCode.Unauthorized, "invalid_token", "BL2102");
        Assert.Null(await _app.Services.GetRequiredService<BankLink.Protocol.Stores.IClientStore>().FindAsync(clientId, CancellationToken.None));
        Assert.Equal("deleted", await _database.ScalarAsync<string>("SELECT status FROM clients WHERE client_id = $1", clientId));
    }

    private static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, string id)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal("https://developer.banklink.example/errors/" + id, body.GetProperty("error_uri").GetString());
        Assert.Matches("^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+$", body.GetProperty("error_description").GetString()); // RFC 6749 §5.2
    }
}
