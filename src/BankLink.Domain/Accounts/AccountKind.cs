namespace BankLink.Domain.Accounts;

/// <summary>The kinds of account the core banking system holds. Only three are linkable (DOMAIN.md).</summary>
public enum AccountKind
{
    /// <summary>普通預金, including the ordinary part of a combined account (総合口座).</summary>
    Ordinary,

    /// <summary>貯蓄預金.</summary>
    Savings,

    /// <summary>カードローン: its "balance" is the outstanding loan.</summary>
    CardLoan,

    /// <summary>定期預金: never linkable.</summary>
    TimeDeposit,
}
