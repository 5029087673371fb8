using System.Text.Json.Nodes;
using BankLink.Jose;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Discovery;

/// <summary>
/// The authorization server metadata (RFC 8414 §2, OpenID Connect Discovery 1.0 §3): what the server is
/// and what it accepts. The host passes the endpoints that exist and the grant types offered, so nothing is
/// advertised that does not work.
/// </summary>
public static class ServerMetadata
{
    public const string JwksPath = "/.well-known/jwks.json";
    public const string OpenIdConfigurationPath = "/.well-known/openid-configuration";
    public const string OAuthServerMetadataPath = "/.well-known/oauth-authorization-server";

    public static JsonObject Describe(string issuer, IReadOnlyDictionary<string, string> endpointPaths, IEnumerable<string> grantTypes)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentNullException.ThrowIfNull(endpointPaths);
        var root = issuer.TrimEnd('/');
        static JsonArray Names(IEnumerable<string> names) => [.. names.Select(n => JsonValue.Create(n))];
        var metadata = new JsonObject
        {
            ["issuer"] = issuer,
            ["jwks_uri"] = root + JwksPath,
            ["scopes_supported"] = Names(Scopes.All.Order(StringComparer.Ordinal)),
            ["response_types_supported"] = Names([ResponseTypes.Code]),
            ["response_modes_supported"] = Names(["query"]),
            ["grant_types_supported"] = Names(grantTypes),
            ["token_endpoint_auth_methods_supported"] = Names([ClientAuthenticationMethods.PrivateKeyJwt, ClientAuthenticationMethods.ClientSecretBasic]),
            ["token_endpoint_auth_signing_alg_values_supported"] = Names(JwsAlgorithms.All.Select(JwsAlgorithms.GetName).Order(StringComparer.Ordinal)),
            ["id_token_signing_alg_values_supported"] = Names(JwsAlgorithms.All.Select(JwsAlgorithms.GetName).Order(StringComparer.Ordinal)),
            ["dpop_signing_alg_values_supported"] = Names(JwsAlgorithms.Fapi2.Select(JwsAlgorithms.GetName).Order(StringComparer.Ordinal)),
            ["subject_types_supported"] = Names(["pairwise"]),
            ["acr_values_supported"] = Names(AuthenticationContextClasses.All),
            ["claims_supported"] = Names(["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "at_hash"]),
            ["code_challenge_methods_supported"] = Names(["S256"]),
            ["authorization_response_iss_parameter_supported"] = true,
            ["require_pushed_authorization_requests"] = true,
            // FAPI Grant Management §7.1: query and revoke at grant_management_endpoint, create, merge and
            // replace on authorization requests (§5.2).
            ["grant_management_actions_supported"] = Names([GrantManagementActions.Query, GrantManagementActions.Revoke, GrantManagementActions.Create, GrantManagementActions.Merge, GrantManagementActions.Replace]),
            ["grant_management_action_required"] = false,
            ["service_documentation"] = "https://developer.banklink.example/",
        };
        foreach (var (member, path) in endpointPaths)
        {
            metadata[member] = root + path;
        }

        return metadata;
    }
}
