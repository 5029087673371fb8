using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BankLink.Protocol.Tokens;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>RFC 9126 pushed authorization requests through the real pipeline, with real assertions and DPoP proofs.</summary>
public sealed class PushedAuthorizationTests : IAsyncLifetime
{
    private const string ParUri = ProviderClient.Issuer + "/connect/par";
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

    private List<KeyValuePair<string, string>> With(string name, string? value)
    {
        var parameters = _provider.ParParameters().Where(p => p.Key != name).ToList();
        if (value is not null)
        {
            parameters.Add(new(name, value));
        }

        return parameters;
    }

    [Fact]
    public async Task Push_ValidRequest_201WithAOneMinuteRequestUriStoredOnlyAsAHash()
    {
        var response = await _provider.PushAsync(_provider.ParParameters());

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var requestUri = body.GetProperty("request_uri").GetString()!;
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:blru_", requestUri, StringComparison.Ordinal);
        Assert.Equal(60, body.GetProperty("expires_in").GetInt32());
        var reference = requestUri["urn:ietf:params:oauth:request_uri:".Length..];
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM pushed_requests WHERE request_uri_hash = $1", OpaqueToken.Hash(reference)));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM pushed_requests WHERE parameters::text LIKE '%' || $1 || '%'", reference));
    }

    [Fact]
    public async Task Push_WithDpopProof_BindsTheRequestToThatKey_Rfc9449Section10()
    {
        var response = await _provider.PushAsync(_provider.ParParameters(), _provider.DpopProof("POST", ParUri));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(_provider.DpopKey.ComputeThumbprint(), await _database.ScalarAsync<string>("SELECT dpop_jkt FROM pushed_requests"));
    }

    [Fact]
    public async Task Push_DpopJktWithoutProof_BindsToTheNamedKey()
    {
        var response = await _provider.PushAsync(With("dpop_jkt", _provider.DpopKey.ComputeThumbprint()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(_provider.DpopKey.ComputeThumbprint(), await _database.ScalarAsync<string>("SELECT dpop_jkt FROM pushed_requests"));
    }

    [Fact]
    public async Task Push_DpopJktOfAnotherKeyThanTheProof_400()
    {
        var response = await _provider.PushAsync(With("dpop_jkt", new string('A', 43)), _provider.DpopProof("POST", ParUri));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "BL2408");
    }

    [Fact]
    public async Task Push_DpopProofForAnotherEndpoint_400InvalidDpopProof()
    {
        var response = await _provider.PushAsync(_provider.ParParameters(), _provider.DpopProof("POST", ProviderClient.Issuer + "/connect/token"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_dpop_proof", "BL2303");
    }

    [Fact]
    public async Task Push_NoClientAuthentication_401()
    {
        var parameters = _provider.ParParameters().Where(p => !p.Key.StartsWith("client_assertion", StringComparison.Ordinal));

        await AssertErrorAsync(await _provider.PushAsync(parameters), HttpStatusCode.Unauthorized, "invalid_client", "BL2201");
    }

    [Fact]
    public async Task Push_AssertionAudienceIsTheParEndpoint_401_Fapi2Section5Point3Point2Point1()
    {
        var response = await _provider.PushAsync(_provider.ParParameters(_provider.Assertion(c => c["aud"] = ParUri)));

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", "BL2204");
    }

    [Fact]
    public async Task Push_ReplayedAssertion_401()
    {
        var assertion = _provider.Assertion();
        Assert.Equal(HttpStatusCode.Created, (await _provider.PushAsync(_provider.ParParameters(assertion))).StatusCode);

        await AssertErrorAsync(await _provider.PushAsync(_provider.ParParameters(assertion)), HttpStatusCode.Unauthorized, "invalid_client", "BL2206");
    }

    [Fact]
    public async Task Push_SameAssertionTwiceAtOnce_AtMostOneSucceeds()
    {
        var assertion = _provider.Assertion();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _provider.PushAsync(_provider.ParParameters(assertion))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    [Fact]
    public async Task Push_FapiClientTriesBasic_401WithBasicChallenge()
    {
        var parameters = _provider.ParParameters().Where(p => !p.Key.StartsWith("client_assertion", StringComparison.Ordinal));
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_provider.ClientId + ":guess")));

        var response = await _provider.PushAsync(parameters, authorization: basic);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", "BL2202");
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    public static TheoryData<string, string?, string, string> BadParameters() => new()
    {
        { "response_type", "token", "invalid_request", "BL2401" },
        { "response_type", null, "invalid_request", "BL2401" },
        { "redirect_uri", "https://app.example.com/callback/", "invalid_request", "BL2402" },
        { "redirect_uri", "https://APP.example.com/callback", "invalid_request", "BL2402" },
        { "redirect_uri", "https://evil.example.com/callback", "invalid_request", "BL2402" },
        { "redirect_uri", null, "invalid_request", "BL2402" },
        { "code_challenge_method", "plain", "invalid_request", "BL2403" },
        { "code_challenge_method", null, "invalid_request", "BL2403" },
        { "code_challenge", null, "invalid_request", "BL2403" },
        { "code_challenge", "too-short", "invalid_request", "BL2403" },
        { "scope", "openid", "invalid_scope", "BL2404" },
        { "scope", "balance payments", "invalid_scope", "BL2404" },
        { "scope", "balance grant_management_query", "invalid_scope", "BL2404" },
        { "scope", null, "invalid_scope", "BL2404" },
        { "prompt", "none login", "invalid_request", "BL2405" },
        { "prompt", "select_account", "invalid_request", "BL2405" },
        { "max_age", "-1", "invalid_request", "BL2405" },
        { "max_age", "soon", "invalid_request", "BL2405" },
        { "state", "line\nbreak", "invalid_request", "BL2405" },
        { "grant_management_action", "merge", "invalid_request", "BL2406" },
        { "grant_management_action", "update", "invalid_request", "BL2406" },
        { "grant_management_action", "replace", "invalid_request", "BL2406" },
        { "grant_id", "some-grant", "invalid_request", "BL2406" },
        { "request", "eyJhbGciOiJQUzI1NiJ9.e30.sig", "invalid_request", "BL2407" },
        { "request_uri", "urn:ietf:params:oauth:request_uri:x", "invalid_request", "BL2407" },
        { "dpop_jkt", "not-a-thumbprint", "invalid_request", "BL2408" },
        { "state", new string('s', 1001), "invalid_request", "BL2002" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public async Task Push_BadParameter_400WithItsErrorAndNothingStored(string name, string? value, string error, string id)
    {
        var response = await _provider.PushAsync(With(name, value));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, error, id);
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM pushed_requests"));
    }

    [Fact]
    public async Task Push_ClientIdOfAnotherClient_AuthenticationFails401()
    {
        await AssertErrorAsync(await _provider.PushAsync(With("client_id", "blc_someone_else")), HttpStatusCode.Unauthorized, "invalid_client", "BL2202");
    }

    [Fact]
    public async Task Push_ParameterSentTwice_400_Rfc6749Section3Point1()
    {
        var parameters = _provider.ParParameters();
        parameters.Add(new("scope", "openid transactions"));

        await AssertErrorAsync(await _provider.PushAsync(parameters), HttpStatusCode.BadRequest, "invalid_request", "BL2001");
    }

    [Fact]
    public async Task Push_NotAForm_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/par") { Content = new StringContent("{\"response_type\":\"code\"}", Encoding.UTF8, "application/json") };

        await AssertErrorAsync(await _app.CreateClient().SendAsync(request), HttpStatusCode.BadRequest, "invalid_request", "BL2003");
    }

    [Fact]
    public async Task Push_NonceRequired_400UseDpopNonceWithANonceThenAccepted_Rfc9449Section8()
    {
        await using var app = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?> { ["BankLink:Dpop:RequireNonce"] = "true" });
        var provider = await ProviderClient.RegisterAsync(app);

        var first = await provider.PushAsync(provider.ParParameters(), provider.DpopProof("POST", ParUri));
        await AssertErrorAsync(first, HttpStatusCode.BadRequest, "use_dpop_nonce", "BL2307");
        var nonce = first.Headers.GetValues("DPoP-Nonce").Single();

        var second = await provider.PushAsync(provider.ParParameters(), provider.DpopProof("POST", ParUri, nonce));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
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
