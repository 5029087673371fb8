using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Jose;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// A provider's integration as tests drive it: registers a FAPI 2.0 client with an onboarding token, then
/// signs client assertions and DPoP proofs exactly as a client library would.
/// </summary>
internal sealed partial class ProviderClient
{
    public const string Issuer = "http://127.0.0.1:5080";
    public const string RedirectUri = "https://app.example.com/callback";

    private ProviderClient(BankLinkApp app, string clientId, Jwk clientKey)
    {
        App = app;
        ClientId = clientId;
        ClientKey = clientKey;
    }

    public BankLinkApp App { get; }

    public string ClientId { get; }

    public Jwk ClientKey { get; }

    public Jwk DpopKey { get; } = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), null, includePrivate: true);

    public static async Task<ProviderClient> RegisterAsync(BankLinkApp app, string scope = "openid balance transactions", string[]? grantTypes = null, Action<JsonObject>? configure = null)
    {
        var (token, _) = await app.Services.GetRequiredService<OnboardingTokenStore>().IssueAsync(SandboxProvider.Id, "Test Engineer", "test", CancellationToken.None);
        var key = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), "client-key", includePrivate: true);
        var metadata = new JsonObject
        {
            ["client_name"] = "Kakeibo App",
            ["redirect_uris"] = new JsonArray(RedirectUri),
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["grant_types"] = new JsonArray([.. (grantTypes ?? ["authorization_code", "refresh_token"]).Select(g => JsonValue.Create(g))]),
            ["scope"] = scope,
            ["jwks"] = JsonNode.Parse($$"""{"keys":[{{key.ToPublicJson()}}]}"""),
        };
        configure?.Invoke(metadata);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/register") { Content = new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        var response = await app.CreateClient().SendAsync(request);
        response.EnsureSuccessStatusCode();
        var clientId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!;
        return new ProviderClient(app, clientId, key);
    }

    public string Assertion(Action<JsonObject>? change = null)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = new JsonObject
        {
            ["iss"] = ClientId,
            ["sub"] = ClientId,
            ["aud"] = Issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddSeconds(60).ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);
        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, KeyId = ClientKey.Kid }, claims, ClientKey);
    }

    public string DpopProof(string method, string uri, string? nonce = null, string? accessToken = null)
    {
        var claims = new JsonObject
        {
            ["jti"] = Guid.NewGuid().ToString(),
            ["htm"] = method,
            ["htu"] = uri,
            ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        if (accessToken is not null)
        {
            claims["ath"] = BankLink.Jose.DpopProof.ComputeAccessTokenHash(accessToken);
        }

        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, Type = "dpop+jwt", EmbeddedKey = DpopKey.ToPublicKey() }, claims, DpopKey);
    }

    /// <summary>The antiforgery token a page's form carries.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpResponseMessage page) =>
        AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;

    /// <summary>
    /// The customer's side of a link, as a browser walks it: log in (once per customer and application; later
    /// links reuse the session, as a customer's browser would), open the consent page of the pushed request,
    /// tick the first <paramref name="accounts"/> linkable accounts, approve. Returns the authorization code.
    /// </summary>
    public async Task<string> ConsentAsync(string requestUri, string loginId, string password, string customerNumber, int accounts)
    {
        var browser = await CustomerBrowser.LoggedInAsync(App, loginId, password);
        var consent = await browser.GetAsync(new Uri($"/consent?client_id={ClientId}&request_uri={Uri.EscapeDataString(requestUri)}", UriKind.Relative));
        var ticked = (await App.Services.GetRequiredService<BankLink.CoreBanking.ICoreBankingGateway>().GetAccountsAsync(customerNumber, CancellationToken.None))
            .Where(a => a.IsLinkable).Take(accounts);
        var approve = await browser.PostAsync(new Uri("/consent", UriKind.Relative), new FormUrlEncodedContent(
            [new("client_id", ClientId), new("request_uri", requestUri), .. ticked.Select(a => new KeyValuePair<string, string>("account", a.Id.ToString())),
             new("approve", "approve"), new("__RequestVerificationToken", await AntiforgeryTokenAsync(consent))]));
        return System.Web.HttpUtility.ParseQueryString(approve.Headers.Location!.Query)["code"]!;
    }

    /// <summary>A request to a protected resource with this client's DPoP-bound access token and a proof carrying its hash.</summary>
    public async Task<HttpResponseMessage> CallResourceAsync(HttpMethod method, string path, string accessToken, string scheme = "DPoP", string? proof = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", scheme + " " + accessToken);
        request.Headers.Add("DPoP", proof ?? DpopProof(method.Method, Issuer + path, accessToken: accessToken));
        return await App.CreateClient().SendAsync(request);
    }

    /// <summary>A valid PAR request's parameters, authenticated with a fresh assertion.</summary>
    public List<KeyValuePair<string, string>> ParParameters(string? assertion = null) =>
    [
        new("client_id", ClientId),
        new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        new("client_assertion", assertion ?? Assertion()),
        new("response_type", "code"),
        new("redirect_uri", RedirectUri),
        new("scope", "openid balance"),
        new("state", "af0ifjsldkj"),
        new("nonce", "n-0S6_WzA2Mj"),
        new("code_challenge", Convert.ToBase64String(SHA256.HashData("verifier-that-is-long-enough-to-be-a-real-pkce-verifier"u8)).TrimEnd('=').Replace('+', '-').Replace('/', '_')),
        new("code_challenge_method", "S256"),
    ];

    /// <summary>POSTs a form to a back-channel endpoint, with this client's assertion unless told otherwise.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> parameters, string? dpopProof = null, bool authenticate = true)
    {
        var form = parameters.ToList();
        if (authenticate)
        {
            form.Add(new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
            form.Add(new("client_assertion", Assertion()));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (dpopProof is not null)
        {
            request.Headers.Add("DPoP", dpopProof);
        }

        return await App.CreateClient().SendAsync(request);
    }

    public async Task<HttpResponseMessage> PushAsync(IEnumerable<KeyValuePair<string, string>> parameters, string? dpopProof = null, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/par") { Content = new FormUrlEncodedContent(parameters) };
        if (dpopProof is not null)
        {
            request.Headers.Add("DPoP", dpopProof);
        }

        request.Headers.Authorization = authorization;
        return await App.CreateClient().SendAsync(request);
    }

    [System.Text.RegularExpressions.GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial System.Text.RegularExpressions.Regex AntiforgeryField();
}
