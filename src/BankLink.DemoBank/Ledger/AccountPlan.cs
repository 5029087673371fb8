using BankLink.Domain.Accounts;

namespace BankLink.DemoBank.Ledger;

/// <summary>What part an account plays in its holder's money life, which decides the history generated for it.</summary>
public enum AccountRole
{
    /// <summary>The salary account: salary in; rent, utilities, card bills and ATM withdrawals out.</summary>
    Main,

    /// <summary>Another ordinary account with occasional transfers.</summary>
    Secondary,

    /// <summary>A savings deposit fed by a monthly transfer from the main account.</summary>
    Savings,

    /// <summary>A card loan: draws, monthly repayment, monthly interest.</summary>
    CardLoan,

    /// <summary>A time deposit: no movement in the period.</summary>
    Fixed,
}

/// <summary>One account to generate: where it is, what it is, how it starts.</summary>
public sealed record AccountPlan(
    Guid Id,
    AccountRole Role,
    AccountKind Kind,
    string BranchCode,
    string AccountNumber,
    string ProductName,
    bool HasPinCard,
    DateOnly OpenedOn,
    long OpeningBalance,
    long? CreditLimit,
    int AnnualRateBasisPoints)
{
    /// <summary>Set for an account closed during the period: history stops and the balance is paid out that day.</summary>
    public DateOnly? ClosesOn { get; init; }

    /// <summary>Set for an account the bank froze during the period: no movement after that day.</summary>
    public DateOnly? FrozenOn { get; init; }

    public AccountStatus Status => ClosesOn is not null ? AccountStatus.Closed : FrozenOn is not null ? AccountStatus.Frozen : AccountStatus.Open;
}

/// <summary>An account with its generated history and the balance after the last line.</summary>
public sealed record GeneratedAccount(AccountPlan Plan, IReadOnlyList<LedgerEntry> Entries, long ClosingBalance);
