using BankLink.Protocol.Primitives;
using BankLink.Protocol.Resource;
using BankLink.Protocol.Stores;
using BankLink.Server.Hosting.Protocol;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Apis;

/// <summary>
/// Grant management (FAPI Grant Management for OAuth 2.0 §6): a provider queries or revokes one of its
/// grants with a DPoP-bound client_credentials token carrying grant_management_query or _revoke. Another
/// client's grant is indistinguishable from one that does not exist (404). Revoking ends every token of the
/// grant at once (DOMAIN.md "How links end": the customer cancelled at the provider).
/// </summary>
public static class GrantManagementApi
{
    public const string Path = "/grants";

    public static WebApplication MapGrantManagementApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(Path + "/{grantId}", (HttpContext http, string grantId, AccessTokenValidator validator, IGrantStore grants, IssuerOptions issuer, ILoggerFactory loggers, CancellationToken ct) =>
            HandleAsync(http, grantId, Scopes.GrantManagementQuery, validator, grants, issuer, loggers, async grant => TypedResults.Ok(Describe(grant)), ct))
            .WithName("QueryGrant");
        app.MapDelete(Path + "/{grantId}", (HttpContext http, string grantId, AccessTokenValidator validator, IGrantStore grants, ITokenStore tokens, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct) =>
            HandleAsync(http, grantId, Scopes.GrantManagementRevoke, validator, grants, issuer, loggers, async grant =>
            {
                await tokens.RevokeGrantAsync(grant.Id, "revoked by the provider (grant management)", clock.GetUtcNow(), ct, byClientId: grant.ClientId);
                return TypedResults.NoContent();
            }, ct))
            .WithName("RevokeGrant");
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, string grantId, string scope, AccessTokenValidator validator, IGrantStore grants, IssuerOptions issuer, ILoggerFactory loggers,
        Func<Grant, Task<IResult>> act, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(GrantManagementApi).FullName!);
        var result = await validator.ValidateAsync([.. http.Request.Headers.Authorization.Select(v => v ?? "")], [.. http.Request.Headers["DPoP"].Select(v => v ?? "")],
            http.Request.Method, issuer.EndpointUri(Path + "/" + grantId), cancellationToken);
        if (result.Error is not null)
        {
            return ResourceResults.Refuse(http, result.Error, result.Detail, logger);
        }

        if (!result.Token!.Scope.Split(' ').Contains(scope))
        {
            return ResourceResults.Refuse(http, ErrorCatalogue.ScopeInsufficient, "grant management without " + scope, logger);
        }

        var grant = Guid.TryParse(grantId, out var id) ? await grants.FindAsync(id, cancellationToken) : null;
        http.Response.Headers.CacheControl = "no-store";
        return grant is null || grant.ClientId != result.Token.ClientId
            ? TypedResults.Problem(title: "Not Found", detail: "No grant of this client has that grant_id.", statusCode: StatusCodes.Status404NotFound)
            : await act(grant);
    }

    private static Dictionary<string, object> Describe(Grant grant) => new()
    {
        ["scopes"] = new[] { new Dictionary<string, string> { ["scope"] = grant.Scope } },
        ["accounts"] = grant.AccountIds.Select(a => a.ToString()).ToArray(),
        ["created_at"] = grant.CreatedAt.ToUnixTimeSeconds(),
        ["expires_at"] = grant.ExpiresAt.ToUnixTimeSeconds(),
    };
}
