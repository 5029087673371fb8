namespace BankLink.Domain.Accounts;

/// <summary>An account's state in the core banking system.</summary>
public enum AccountStatus
{
    Open,

    /// <summary>Stopped by the bank (凍結): no linking, no data.</summary>
    Frozen,

    Closed,
}
