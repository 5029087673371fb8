using BankLink.Jose;
using BankLink.Protocol.Dpop;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;

namespace BankLink.Protocol.Resource;

/// <summary>The protected resource's view of one request: its token, or why it was refused.</summary>
public sealed record AccessTokenResult(StoredToken? Token, ProtocolError? Error, string? Detail)
{
    /// <summary>From <see cref="AccessTokenValidator.CheckAsync"/>: the proof's jti, which the caller must record before it answers.</summary>
    public OneTimeUse? ProofUse { get; init; }

    /// <summary>From <see cref="AccessTokenValidator.CheckAsync"/>: the grant's "last used" time is due to be written.</summary>
    public bool LastUsedDue { get; init; }

    /// <summary>On a refusal: the token the request presented, when it was one of ours (whose client, which state), for the operators' counts.</summary>
    public StoredToken? RefusedToken { get; init; }
}

/// <summary>
/// Validates an access token at a protected resource (userinfo, grant management, later the account API):
/// the DPoP scheme only (a DPoP-bound token sent as Bearer is refused, RFC 9449 §7.2), a token BankLink issued,
/// unexpired and not revoked, whose grant is still alive, and a DPoP proof for this request carrying the
/// token's hash (ath) and signed by the key the token is bound to (cnf.jkt). The refusal says which of
/// expired, revoked (permission ended) or wrong sender it was (DOMAIN.md "Tokens expire: make it painless").
/// </summary>
public sealed class AccessTokenValidator(ITokenStore tokens, IGrantStore grants, DpopProofValidator dpop, IReplayCache replayCache, TimeProvider clock)
{
    /// <summary>Checks the token and its proof, records the proof's jti and, when due, the grant's "last used" time.</summary>
    public async Task<AccessTokenResult> ValidateAsync(IReadOnlyList<string> authorizationHeaders, IReadOnlyList<string> dpopHeaders, string method, Uri uri, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(authorizationHeaders, dpopHeaders, method, uri, cancellationToken);
        if (result.ProofUse is not { } use)
        {
            return result;
        }

        if (!await replayCache.TryUseAsync(use, cancellationToken))
        {
            var (_, error, detail) = DpopProofValidator.Replayed(new ValidatedDpopProof(result.Token!.Jkt!, use));
            return new(null, error, detail) { RefusedToken = result.Token };
        }

        // Accepted: the customer's "my links" shows when the provider last used the link.
        if (result.LastUsedDue)
        {
            await grants.TouchLastUsedAsync(result.Token!.GrantId!.Value, clock.GetUtcNow(), cancellationToken);
        }

        return result with { ProofUse = null, LastUsedDue = false };
    }

    /// <summary>
    /// Everything <see cref="ValidateAsync"/> checks, but the two writes are left to the caller: the proof's jti in
    /// <see cref="AccessTokenResult.ProofUse"/>, which it must record (refusing the request when it was seen before)
    /// before it answers, and <see cref="AccessTokenResult.LastUsedDue"/>. The resource API records both with the
    /// request's audit events in one group-committed transaction.
    /// </summary>
    public async Task<AccessTokenResult> CheckAsync(IReadOnlyList<string> authorizationHeaders, IReadOnlyList<string> dpopHeaders, string method, Uri uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorizationHeaders);
        const string scheme = "DPoP ";
        if (authorizationHeaders.Count != 1 || !authorizationHeaders[0].StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return new(null, ErrorCatalogue.AccessTokenMissing, "no DPoP authorization");
        }

        var value = authorizationHeaders[0][scheme.Length..].Trim();
        var token = await tokens.FindPresentedAsync(value, cancellationToken, TokenKind.AccessToken);
        if (token is null || token.Kind != StoredTokenKind.AccessToken)
        {
            return new(null, ErrorCatalogue.AccessTokenUnknown, "unknown access token");
        }

        if (token.Status != StoredTokenStatus.Active || !token.GrantActive)
        {
            return new(null, ErrorCatalogue.AccessTokenRevoked, $"token {token.Id} {token.Status}, grant active {token.GrantActive}") { RefusedToken = token };
        }

        var now = clock.GetUtcNow();
        if (now >= token.ExpiresAt)
        {
            return new(null, ErrorCatalogue.AccessTokenExpired, $"token {token.Id} expired") { RefusedToken = token };
        }

        var (proof, error, detail) = dpop.Verify(new DpopRequest(dpopHeaders, method, uri, value, token.Jkt));
        if (error is not null)
        {
            return new(null, error, detail) { RefusedToken = token };
        }

        // "Last used" is kept to the minute and not even attempted while the time read with the token is under a
        // minute old. Every resource accepts tokens here, so none can forget it.
        var lastUsedDue = token.GrantId is not null && (token.Grant?.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedResolution);
        return new(token, null, null) { ProofUse = proof!.Use, LastUsedDue = lastUsedDue };
    }

    /// <summary>How precisely "last used" is kept: a minute is what "my links" shows.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>The DPoP algorithms a challenge advertises (RFC 9449 §7.1 algs).</summary>
    public static string Algorithms => string.Join(' ', JwsAlgorithms.Fapi2.Select(JwsAlgorithms.GetName).Order(StringComparer.Ordinal));
}
