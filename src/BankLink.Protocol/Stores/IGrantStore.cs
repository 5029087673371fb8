namespace BankLink.Protocol.Stores;

/// <summary>A customer's permission for one provider client: the accounts and functions allowed, until when.</summary>
public sealed record Grant(
    Guid Id,
    string ClientId,
    Guid ProviderId,
    Guid CustomerId,
    string Scope,
    IReadOnlyList<Guid> AccountIds,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);

/// <summary>Persistence of grants (OpenIddict's "authorizations").</summary>
public interface IGrantStore
{
    Task CreateAsync(Grant grant, CancellationToken cancellationToken);

    /// <summary>The grant, whatever its state; null when unknown.</summary>
    Task<Grant?> FindAsync(Guid id, CancellationToken cancellationToken);
}
