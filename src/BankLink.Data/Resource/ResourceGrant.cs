namespace BankLink.Data.Resource;

/// <summary>
/// What the resource API needs of a token's grant at use time, read with the token (TokenStore): who the customer is (their
/// customer number, the core's key), the accounts the grant names now, and whether the grant, its provider and
/// its client all still stand (ARCHITECTURE.md "Tokens": validated on every request against the token, its
/// grant, the provider and the accounts' state).
/// </summary>
public sealed record ResourceGrant(
    Guid GrantId,
    Guid CustomerId,
    string CustomerNumber,
    Guid ProviderId,
    string ClientId,
    bool IsUsable,
    IReadOnlyList<Guid> AccountIds);
