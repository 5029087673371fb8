using System.Text.Json.Nodes;
using BankLink.Protocol.Endpoints.Discovery;
using BankLink.Protocol.Stores;
using BankLink.Server.Hosting.Protocol;

namespace BankLink.Server.Apis;

/// <summary>Metadata (RFC 8414, OpenID Connect Discovery) and the public signing keys (jwks_uri, RFC 7517 §5).</summary>
public static class DiscoveryApi
{
    public static WebApplication MapDiscoveryApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(ServerMetadata.OpenIdConfigurationPath, WriteMetadataAsync).WithName("OpenIdConfiguration");
        app.MapGet(ServerMetadata.OAuthServerMetadataPath, WriteMetadataAsync).WithName("OAuthServerMetadata");
        app.MapGet(ServerMetadata.JwksPath, async (HttpContext http, ISigningKeys keys) =>
        {
            var published = await keys.GetPublishedKeysAsync(http.RequestAborted);
            await WritePublicAsync(http, JsonNode.Parse(published.ToPublicJson())!.AsObject());
        }).WithName("Jwks");
        return app;
    }

    private static Task WriteMetadataAsync(HttpContext http, IssuerOptions issuer) =>
        WritePublicAsync(http, ServerMetadata.Describe(issuer.Issuer, Endpoints, BankLink.Protocol.Endpoints.Token.ValidateGrantType.Offered));

    /// <summary>The endpoints this build serves, by their RFC 8414 / RFC 9126 / RFC 7591 metadata names.</summary>
    private static readonly Dictionary<string, string> Endpoints = new(StringComparer.Ordinal)
    {
        ["authorization_endpoint"] = AuthorizationApi.Path,
        ["registration_endpoint"] = RegistrationApi.Path,
        ["pushed_authorization_request_endpoint"] = PushedAuthorizationApi.Path,
        ["token_endpoint"] = TokenApi.TokenPath,
        ["introspection_endpoint"] = TokenApi.IntrospectionPath,
        ["revocation_endpoint"] = TokenApi.RevocationPath,
        ["userinfo_endpoint"] = UserInfoApi.Path,
        ["grant_management_endpoint"] = GrantManagementApi.Path,
    };

    /// <summary>Public documents: cacheable for a few minutes, shorter than the time a new key is published before it signs.</summary>
    private static async Task WritePublicAsync(HttpContext http, JsonObject body)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "public, max-age=300";
        await http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }
}
