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

    /// <summary>One account by the core's reference, or null when the core does not know it.</summary>
    Task<CoreAccount?> GetAccountAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>The balance of one account, or null when the core does not know it.</summary>
    Task<CoreBalance?> GetBalanceAsync(Guid accountId, CancellationToken cancellationToken);

    /// <summary>
    /// One page of an account's history, newest first, booked between <paramref name="from"/> and
    /// <paramref name="to"/> (inclusive, Japan dates), strictly older than <paramref name="after"/> when given.
    /// The keyset (booking date, sequence) makes a page cost the same however long the history is, and a
    /// transaction booked after the first page was read never shifts later pages (no gaps, no duplicates).
    /// </summary>
    Task<CoreTransactionPage> GetTransactionsAsync(Guid accountId, DateOnly from, DateOnly to, CoreTransactionKey? after, int limit, CancellationToken cancellationToken);
}

/// <summary>Where a history page ends: the last transaction's booking date and its sequence number in the account.</summary>
public readonly record struct CoreTransactionKey(DateOnly BookingDate, long Sequence);

/// <summary>Money in (credit) or out (debit), from the account's point of view.</summary>
public enum TransactionDirection
{
    Credit,
    Debit,
}

/// <summary>One line of history (入出金明細), amounts in integer yen.</summary>
public sealed record CoreTransaction(
    Guid AccountId,
    long Sequence,
    DateOnly BookingDate,
    DateOnly ValueDate,
    long Amount,
    TransactionDirection Direction,
    long BalanceAfter,
    string Description,
    string Type)
{
    public CoreTransactionKey Key => new(BookingDate, Sequence);
}

/// <summary>A page of history; <see cref="Next"/> is set when older lines remain in the range.</summary>
public sealed record CoreTransactionPage(IReadOnlyList<CoreTransaction> Transactions, CoreTransactionKey? Next, DateTimeOffset AsOf);

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
    /// <summary>
    /// The account's state read with the balance, when the core reports it in the same answer; null when it
    /// does not, and a caller that must refuse closed or frozen accounts then asks <see cref="ICoreBankingGateway.GetAccountAsync"/>.
    /// </summary>
    public AccountStatus? Status { get; init; }

    /// <summary>Card loans: what the customer may still borrow.</summary>
    public long? AvailableToBorrow => CreditLimit - Balance;
}
