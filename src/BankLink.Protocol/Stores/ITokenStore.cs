namespace BankLink.Protocol.Stores;

/// <summary>The kinds of token the store holds (stored as snake_case).</summary>
public enum StoredTokenKind
{
    AccessToken,
    RefreshToken,
    AuthorizationCode,
}

/// <summary>Where a token is in its life.</summary>
public enum StoredTokenStatus
{
    Active,

    /// <summary>An authorization code or rotated refresh token that was used.</summary>
    Redeemed,

    Revoked,
}

/// <summary>A token as stored: its hash, never its value.</summary>
public sealed record StoredToken(
    Guid Id,
    StoredTokenKind Kind,
    string ClientId,
    Guid? GrantId,
    string? Subject,
    string Scope,
    string? Jkt,
    StoredTokenStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>False when the token's grant was revoked or expired: ending a grant ends its tokens at once.</summary>
    public bool GrantActive { get; init; } = true;

    public bool IsActiveAt(DateTimeOffset now) => Status == StoredTokenStatus.Active && now < ExpiresAt && GrantActive;

    /// <summary>For authorization codes: what the token request is checked against (never a secret).</summary>
    public System.Text.Json.Nodes.JsonObject? Payload { get; init; }

    /// <summary>The token's grant as it is now, read with the token (null for tokens without a grant).</summary>
    public GrantSummary? Grant { get; init; }
}

/// <summary>What issuing a token needs to know of its grant: who, which provider, what it allows now, until when.</summary>
public sealed record GrantSummary(Guid ProviderId, Guid CustomerId, string Scope, DateTimeOffset ExpiresAt)
{
    /// <summary>When a provider last used the grant ("my links"), as written at most once a minute.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>The customer's number at the core (what a resource reads accounts by); read with access tokens only.</summary>
    public string? CustomerNumber { get; init; }

    /// <summary>The grant's provider and client both still stand (neither suspended nor deleted).</summary>
    public bool ProviderAndClientActive { get; init; }

    /// <summary>The accounts the grant names now; read with access tokens only (empty for codes and refresh tokens).</summary>
    public IReadOnlyList<Guid> AccountIds { get; init; } = [];
}

/// <summary>What rotating a refresh token did.</summary>
public enum RotationOutcome
{
    /// <summary>The presented token was live, or its successor was never used and the retry came within the leeway: a new successor is the one live token.</summary>
    Rotated,

    /// <summary>A replaced token came back outside the rules: treated as stolen, the grant and all its tokens are revoked.</summary>
    ReuseDetected,
}

/// <summary>Persistence of tokens (OpenIddict's "tokens").</summary>
public interface ITokenStore
{
    Task CreateAsync(StoredToken token, byte[] tokenHash, CancellationToken cancellationToken);

    Task<StoredToken?> FindByHashAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Revokes one token; false when it was not active.</summary>
    Task<bool> RevokeAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks a single-use token (an authorization code) used; false when it already was, also in a race.</summary>
    Task<bool> TryRedeemAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the refresh token <paramref name="presentedId"/> with <paramref name="successor"/>, in one
    /// transaction under a row lock on the presented token, so two requests with one token leave exactly one
    /// live successor. A token already replaced is accepted again only within <paramref name="leeway"/> of its
    /// replacement and only while that replacement was never used; otherwise it is reuse.
    /// </summary>
    Task<RotationOutcome> RotateRefreshTokenAsync(Guid presentedId, StoredToken successor, byte[] successorHash, TimeSpan leeway, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a grant and every token it issued, in one transaction with its audit event: asked by the provider whose
    /// client is <paramref name="byClientId"/> (grant management), or by BankLink itself when null (a code or
    /// refresh token used twice, RFC 9700 §4.5 and §4.14).
    /// </summary>
    Task RevokeGrantAsync(Guid grantId, string reason, DateTimeOffset now, CancellationToken cancellationToken, string? byClientId = null);
}
