using BankLink.Domain.Accounts;

namespace BankLink.CoreBanking.DemoLedger;

/// <summary>The strings the ledger schema stores for kinds, statuses and directions.</summary>
public static class LedgerNames
{
    public const string Credit = "credit";
    public const string Debit = "debit";

    public static string Kind(AccountKind kind) => kind switch
    {
        AccountKind.Ordinary => "ordinary",
        AccountKind.Savings => "savings",
        AccountKind.CardLoan => "card_loan",
        AccountKind.TimeDeposit => "time_deposit",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static AccountKind ParseKind(string text) => text switch
    {
        "ordinary" => AccountKind.Ordinary,
        "savings" => AccountKind.Savings,
        "card_loan" => AccountKind.CardLoan,
        "time_deposit" => AccountKind.TimeDeposit,
        _ => throw new InvalidOperationException($"Unknown account kind '{text}' in the ledger."),
    };

    public static string Status(AccountStatus status) => status switch
    {
        AccountStatus.Open => "open",
        AccountStatus.Frozen => "frozen",
        AccountStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static AccountStatus ParseStatus(string text) => text switch
    {
        "open" => AccountStatus.Open,
        "frozen" => AccountStatus.Frozen,
        "closed" => AccountStatus.Closed,
        _ => throw new InvalidOperationException($"Unknown account status '{text}' in the ledger."),
    };
}
