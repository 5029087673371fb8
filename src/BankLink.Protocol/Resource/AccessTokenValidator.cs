using BankLink.Jose;
using BankLink.Protocol.Dpop;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;

namespace BankLink.Protocol.Resource;

/// <summary>The protected resource's view of one request: its token, or why it was refused.</summary>
public sealed record AccessTokenResult(StoredToken? Token, ProtocolError? Error, string? Detail);

/// <summary>
/// Validates an access token at a protected resource (userinfo, grant management, later the account API):
/// the DPoP scheme only (a DPoP-bound token sent as Bearer is refused, RFC 9449 §7.2), a token BankLink issued,
/// unexpired and not revoked, whose grant is still alive, and a DPoP proof for this request carrying the
/// token's hash (ath) and signed by the key the token is bound to (cnf.jkt). The refusal says which of
/// expired, revoked (permission ended) or wrong sender it was (DOMAIN.md "Tokens expire: make it painless").
/// </summary>
public sealed class AccessTokenValidator(ITokenStore tokens, IGrantStore grants, DpopProofValidator dpop, TimeProvider clock)
{
    public async Task<AccessTokenResult> ValidateAsync(IReadOnlyList<string> authorizationHeaders, IReadOnlyList<string> dpopHeaders, string method, Uri uri, CancellationToken cancellationToken)
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
            return new(null, ErrorCatalogue.AccessTokenRevoked, $"token {token.Id} {token.Status}, grant active {token.GrantActive}");
        }

        if (clock.GetUtcNow() >= token.ExpiresAt)
        {
            return new(null, ErrorCatalogue.AccessTokenExpired, $"token {token.Id} expired");
        }

        var (_, error, detail) = await dpop.ValidateAsync(new DpopRequest(dpopHeaders, method, uri, value, token.Jkt), cancellationToken);
        if (error is not null)
        {
            return new(null, error, detail);
        }

        // Accepted: the customer's "my links" shows when the provider last used the link. Every resource accepts
        // tokens here, so none can forget it; the write is one conditional UPDATE, at most once a minute per grant,
        // and not even attempted while the time read with the token is under a minute old.
        var now = clock.GetUtcNow();
        if (token.GrantId is { } grantId && (token.Grant?.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedResolution))
        {
            await grants.TouchLastUsedAsync(grantId, now, cancellationToken);
        }

        return new(token, null, null);
    }

    /// <summary>How precisely "last used" is kept: a minute is what "my links" shows.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>The DPoP algorithms a challenge advertises (RFC 9449 §7.1 algs).</summary>
    public static string Algorithms => string.Join(' ', JwsAlgorithms.Fapi2.Select(JwsAlgorithms.GetName).Order(StringComparer.Ordinal));
}
