using BankLink.Data.Operations.Dashboard;
using BankLink.Data.Resource;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Resource;
using BankLink.Protocol.Stores;
using BankLink.Server.Hosting.Protocol;

namespace BankLink.Server.Resource;

/// <summary>Who is calling the resource API: the accepted token and its grant as it stands now.</summary>
public sealed record ResourceCaller(StoredToken Token, ResourceGrant Grant, ResourceKeys Keys);

/// <summary>
/// Everything the three account endpoints check before they read an account, in this order:
/// 1. the DPoP-bound access token: DPoP scheme, proof for this method and URL, ath, key binding, token and grant
///    alive (<see cref="AccessTokenValidator"/>; 401 with the RFC 9449 challenge); the proof's jti is recorded, and
///    a replay refused, at the end of the request (<see cref="ResourceRecording"/>);
/// 2. a customer's grant behind the token and one of the scopes the function needs (403 insufficient_scope);
/// 3. the client's rate limit (429 with Retry-After), once the client is known and before any data is read;
/// 4. the grant, its provider and its client still standing, read with the token and the grant's accounts (401).
/// Every check reads PostgreSQL, so a revocation on any node stops the next request on every node.
/// </summary>
public sealed partial class ResourceAccess(
    AccessTokenValidator validator, ResourceIdentifiers identifiers, ResourceRateLimiter limiter, RefusalCounter counts,
    IssuerOptions issuer, TimeProvider clock, ILogger<ResourceAccess> logger)
{
    public async Task<(ResourceCaller? Caller, IResult? Refusal)> AuthorizeAsync(HttpContext http, string[] anyScope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(anyScope);

        // 1. The token and its proof: the htu is the public URI of this very path (RFC 9449 §4.3 item 9).
        var result = await validator.CheckAsync([.. http.Request.Headers.Authorization.Select(v => v ?? "")], [.. http.Request.Headers["DPoP"].Select(v => v ?? "")],
            http.Request.Method, issuer.EndpointUri(http.Request.Path.ToUriComponent()), cancellationToken);
        counts.RecordRequest(result.Token?.ClientId ?? result.RefusedToken?.ClientId);
        if (result.Error is not null)
        {
            counts.Record(result.RefusedToken?.ClientId, ReasonOf(result.Error, result.RefusedToken));
            return (null, ResourceResults.Refuse(http, result.Error, result.Detail, logger));
        }

        // The proof is good: its jti (and "last used" when due) is recorded at the end of the request, with its
        // reads, whatever the answer (ResourceRecording).
        var token = result.Token!;
        ResourceRecording.Begin(http, result.ProofUse!, result.LastUsedDue ? token.GrantId : null);

        // 2. A customer's token (client_credentials tokens have no grant) with a scope of this function.
        if (token.GrantId is not { } grantId || !HasAnyScope(token.Scope, anyScope))
        {
            return (null, ResourceResults.Refuse(http, ErrorCatalogue.ScopeInsufficient, $"needs one of {string.Join(' ', anyScope)}, has {token.Scope}", logger));
        }

        // 3. The client's rate limit.
        if (limiter.TryAcquire(token.ClientId) is { } retryAfter)
        {
            LogRateLimited(logger, token.ClientId);
            return (null, ResourceProblems.TooManyRequests(http, retryAfter));
        }

        // 4. The grant as it stands: a suspended provider or a deleted client ends the link (DOMAIN.md "How links end").
        //    It was read with the token, in the same query (its accounts, customer, provider and client as they are now).
        var grant = token.Grant is { CustomerNumber: { } customerNumber } summary
            ? new ResourceGrant(grantId, summary.CustomerId, customerNumber, summary.ProviderId, token.ClientId,
                token.GrantActive && summary.ProviderAndClientActive && clock.GetUtcNow() < summary.ExpiresAt, summary.AccountIds)
            : null;
        if (grant is null || !grant.IsUsable)
        {
            counts.Record(token.ClientId, token.Grant is { } ended && clock.GetUtcNow() >= ended.ExpiresAt ? RefusalReason.ConsentEnded : RefusalReason.Revoked);
            return (null, ResourceResults.Refuse(http, ErrorCatalogue.AccessTokenRevoked, $"grant {grantId} or its provider or client no longer stands", logger));
        }

        return (new ResourceCaller(token, grant, await identifiers.KeysAsync(cancellationToken)), null);
    }

    /// <summary>How the operators' dashboard counts a refusal (issue 6: expired, revoked, wrong sender, consent ended).</summary>
    private static RefusalReason ReasonOf(ProtocolError error, StoredToken? token) => error.Id switch
    {
        _ when error == ErrorCatalogue.AccessTokenExpired => RefusalReason.Expired,
        _ when error == ErrorCatalogue.AccessTokenRevoked => token is { Status: StoredTokenStatus.Active, GrantActive: false } ? RefusalReason.ConsentEnded : RefusalReason.Revoked,
        _ when error.Error is ProtocolConstants.Errors.InvalidDpopProof or ProtocolConstants.Errors.UseDpopNonce => RefusalReason.WrongSender,
        _ => RefusalReason.Other,
    };

    private static bool HasAnyScope(string scope, string[] anyScope)
    {
        foreach (var granted in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Array.IndexOf(anyScope, granted) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 6810, Level = LogLevel.Information, Message = "Resource request of client {ClientId} refused by its rate limit")]
    private static partial void LogRateLimited(ILogger logger, string clientId);
}
