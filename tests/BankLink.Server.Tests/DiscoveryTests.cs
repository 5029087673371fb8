using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>RFC 8414 / OpenID Connect Discovery metadata and the JWKS, as a client library reads them.</summary>
public sealed class DiscoveryTests : IClassFixture<SchemaDatabase>, IAsyncLifetime
{
    private readonly BankLinkApp _app;

    public DiscoveryTests(SchemaDatabase database)
    {
        _app = new BankLinkApp(database.ConnectionString);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.well-known/oauth-authorization-server")]
    public async Task Metadata_IssuerAndEndpointsAndWhatTheServerAccepts(string path)
    {
        var metadata = await _app.CreateClient().GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative));

        Assert.Equal("http://127.0.0.1:5080", metadata.GetProperty("issuer").GetString());
        Assert.Equal("http://127.0.0.1:5080/.well-known/jwks.json", metadata.GetProperty("jwks_uri").GetString());
        Assert.Equal("http://127.0.0.1:5080/connect/register", metadata.GetProperty("registration_endpoint").GetString());
        Assert.Equal(["S256"], metadata.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["ES256", "PS256"], metadata.GetProperty("dpop_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(metadata.GetProperty("require_pushed_authorization_requests").GetBoolean());
        Assert.True(metadata.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
        Assert.Equal(["pairwise"], metadata.GetProperty("subject_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["urn:banklink:acr:password", "urn:banklink:acr:password-otp"], metadata.GetProperty("acr_values_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("acr", metadata.GetProperty("claims_supported").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Metadata_EveryAdvertisedEndpointExists()
    {
        var client = _app.CreateClient();
        var metadata = await client.GetFromJsonAsync<JsonElement>(new Uri("/.well-known/openid-configuration", UriKind.Relative));

        foreach (var member in metadata.EnumerateObject().Where(m => m.Name.EndsWith("_endpoint", StringComparison.Ordinal) || m.Name == "jwks_uri"))
        {
            var path = new Uri(member.Value.GetString()!).AbsolutePath + (member.Name == "grant_management_endpoint" ? "/" + Guid.Empty : "");
            var method = member.Name.EndsWith("_endpoint", StringComparison.Ordinal) && member.Name is not ("authorization_endpoint" or "grant_management_endpoint") ? HttpMethod.Post : HttpMethod.Get;
            var response = await client.SendAsync(new HttpRequestMessage(method, path));
            Assert.NotEqual(HttpStatusCode.NotFound, response.StatusCode);
            Assert.NotEqual(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        }
    }

    [Fact]
    public async Task Jwks_OneSigningKeyPerAlgorithmPublicOnlyAndCacheable()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/.well-known/jwks.json", UriKind.Relative));
        var jwks = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("max-age=300", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var keys = jwks.GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(["ES256", "PS256", "RS256"], keys.Select(k => k.GetProperty("alg").GetString()).Order());
        Assert.All(keys, k =>
        {
            Assert.Equal("sig", k.GetProperty("use").GetString());
            Assert.False(string.IsNullOrEmpty(k.GetProperty("kid").GetString()));
            foreach (var member in new[] { "d", "p", "q", "dp", "dq", "qi" })
            {
                Assert.False(k.TryGetProperty(member, out _));
            }
        });
    }
}
