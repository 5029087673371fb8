using BankLink.Domain.Accounts;

namespace BankLink.CoreBanking;

/// <summary>
/// The one interface to the bank's core banking system (ARCHITECTURE.md "The core banking side").
/// The embedded demo ledger implements it; an HTTP adapter for a real core will too.
/// </summary>
public interface ICoreBankingGateway
{
    /// <summary>Every account the core holds for a customer, linkable or not.</summary>
    Task<IReadOnlyList<CoreAccount>> GetAccountsAsync(string customerNumber, CancellationToken cancellationToken);

    /// <summary>The balance of one account, or null when the core does not know it.</summary>
    Task<CoreBalance?> GetBalanceAsync(Guid accountId, CancellationToken cancellationToken);
}

/// <summary>An account as the core reports it. <see cref="Id"/> is the core's reference, never shown to providers.</summary>
public sealed record CoreAccount(
    Guid Id,
    string CustomerNumber,
    string BranchCode,
    string BranchName,
    string BranchNameEn,
    AccountKind Kind,
    string AccountNumber,
    string ProductName,
    AccountStatus Status,
    bool HasPinRegisteredCard)
{
    public NotLinkableReason NotLinkableReason => Linkability.Evaluate(Kind, Status, HasPinRegisteredCard);

    public bool IsLinkable => NotLinkableReason == NotLinkableReason.None;
}

/// <summary>
/// A balance in integer yen with the time the core vouches for it. For a card loan, <see cref="Balance"/> is
/// the outstanding loan and <see cref="CreditLimit"/> is set.
/// </summary>
public sealed record CoreBalance(Guid AccountId, AccountKind Kind, long Balance, long? CreditLimit, DateTimeOffset AsOf)
{
    /// <summary>Card loans: what the customer may still borrow.</summary>
    public long? AvailableToBorrow => CreditLimit - Balance;
}
