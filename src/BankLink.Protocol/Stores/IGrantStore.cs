using System.Diagnostics;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Stores;

/// <summary>Where a grant is in its life (stored as snake_case).</summary>
public enum GrantStatus
{
    Active,
    Revoked,
}

/// <summary>A customer's permission for one provider client: the accounts and functions allowed, until when.</summary>
public sealed record Grant(
    Guid Id,
    string ClientId,
    Guid ProviderId,
    Guid CustomerId,
    string Scope,
    IReadOnlyList<Guid> AccountIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    public GrantStatus Status { get; init; } = GrantStatus.Active;

    /// <summary>True while the permission stands: neither revoked nor expired (DOMAIN.md "How links end").</summary>
    public bool IsActiveAt(DateTimeOffset now) => Status == GrantStatus.Active && now < ExpiresAt;
}

/// <summary>
/// A customer's new consent onto an existing grant (FAPI Grant Management §5.2): with merge the grant keeps
/// what it holds and gains what was approved now; with replace it becomes exactly what was approved now.
/// </summary>
/// <param name="Action"><see cref="GrantManagementActions.Merge"/> or <see cref="GrantManagementActions.Replace"/>.</param>
/// <param name="Scope">The scope of this authorization request.</param>
/// <param name="AccountIds">The accounts the customer ticked on this consent.</param>
/// <param name="LinkableAccountIds">The customer's accounts the core calls linkable now: on merge, an account of the grant that is no longer linkable is not carried over (DOMAIN.md: such an account never appears in a token).</param>
/// <param name="ExpiresAt">The end of the permission given now (DOMAIN.md: a set period from consent).</param>
public sealed record GrantUpdate(
    Guid GrantId,
    string ClientId,
    Guid CustomerId,
    string Action,
    string Scope,
    IReadOnlyList<Guid> AccountIds,
    IReadOnlySet<Guid> LinkableAccountIds,
    DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// The grant as this consent leaves it. merge: the union of accounts and of scopes, and the later expiry,
    /// since the customer approved the whole link again (the accounts already in it are shown ticked) and a
    /// merge must never shorten what was allowed before. replace: exactly this consent's accounts, scope and expiry.
    /// </summary>
    public Grant ApplyTo(Grant current)
    {
        ArgumentNullException.ThrowIfNull(current);
        Debug.Assert(current.Id == GrantId, "A grant update applies to its own grant.");
        return Action switch
        {
            GrantManagementActions.Merge => current with
            {
                Scope = string.Join(' ', current.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Concat(Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal)),
                AccountIds = [.. current.AccountIds.Where(LinkableAccountIds.Contains).Concat(AccountIds).Distinct()],
                ExpiresAt = current.ExpiresAt > ExpiresAt ? current.ExpiresAt : ExpiresAt,
            },
            GrantManagementActions.Replace => current with { Scope = Scope, AccountIds = [.. AccountIds.Distinct()], ExpiresAt = ExpiresAt },
            _ => throw new InvalidOperationException("Only merge and replace update a grant; create makes a new one."),
        };
    }

    /// <summary>
    /// The kinds of the grant's earlier tokens this update ends. Both actions end its refresh tokens and any
    /// unused authorization code (the Grant Management draft requires merge and replace to invalidate the
    /// grant's existing refresh tokens; an old code would mint one), so the provider holds exactly the refresh
    /// token the new code brings. replace also ends the access tokens, which carry the scope they were issued
    /// with and could otherwise keep a function the customer took away for their last minutes (Grant
    /// Management §10). After merge they carry a part of what the grant allows, so they live out their minutes.
    /// Tokens name no accounts: whatever serves accounts for a token reads the grant's accounts at use time.
    /// </summary>
    public IReadOnlyList<StoredTokenKind> EndsTokens => Action == GrantManagementActions.Replace
        ? [StoredTokenKind.RefreshToken, StoredTokenKind.AuthorizationCode, StoredTokenKind.AccessToken]
        : [StoredTokenKind.RefreshToken, StoredTokenKind.AuthorizationCode];
}

/// <summary>Persistence of grants (OpenIddict's "authorizations").</summary>
public interface IGrantStore
{
    Task CreateAsync(Grant grant, CancellationToken cancellationToken);

    /// <summary>The grant, whatever its state; null when unknown.</summary>
    Task<Grant?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a merge or replace consent in one transaction, under a lock on the grant: its scope, accounts
    /// and expiry become <see cref="GrantUpdate.ApplyTo"/>, and its tokens of <see cref="GrantUpdate.EndsTokens"/>
    /// are revoked (a rotated refresh token too, so a late retry of it is refused rather than taken for reuse).
    /// Returns the grant as updated, or null, changing nothing, when it is no longer an active grant of this
    /// client and customer or the update would leave it without an account.
    /// </summary>
    Task<Grant?> UpdateAsync(GrantUpdate update, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the grant was used now (an access token of it accepted at a resource), for "my links"; writes at
    /// most once a minute per grant. True when it wrote.
    /// </summary>
    Task<bool> TouchLastUsedAsync(Guid grantId, DateTimeOffset now, CancellationToken cancellationToken);
}
