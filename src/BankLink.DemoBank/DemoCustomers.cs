using BankLink.Domain.Accounts;
using BankLink.DemoBank.Ledger;

namespace BankLink.DemoBank;

/// <summary>One documented sandbox customer: their secrets are public (README) so automated clients can log in.</summary>
public sealed record DemoCustomer(
    string CustomerNumber,
    string LoginId,
    string Password,
    string ConfirmationPin,
    string OtpSerialNumber,
    string OtpSecretBase32,
    string DisplayName,
    string DisplayNameKana,
    IReadOnlyList<DemoAccount> Accounts);

/// <summary>One account of a documented customer, as it stands at the start of the ledger period.</summary>
/// <param name="ClosedAfterMonths">Closed this many months into the period (the closed, never-linkable account).</param>
/// <param name="FrozenAfterMonths">Frozen by the bank this many months into the period.</param>
public sealed record DemoAccount(
    AccountRole Role,
    AccountKind Kind,
    string BranchCode,
    string AccountNumber,
    string ProductName,
    bool HasPinCard,
    long OpeningBalance,
    long? CreditLimit = null,
    int AnnualRateBasisPoints = 20,
    int? ClosedAfterMonths = null,
    int? FrozenAfterMonths = null);

/// <summary>
/// The sandbox bank's documented customers (README "Sandbox logins"). Between them they hold every
/// linkable kind (ordinary, savings, card loan) and every kind of account that must never be linkable
/// (a time deposit, an ordinary account without a PIN-registered card, a closed and a frozen account).
/// </summary>
public static class DemoCustomers
{
    private const string Ordinary = "普通預金";
    private const string Combined = "総合口座（普通預金）";
    private const string SavingsProduct = "貯蓄預金";
    private const string CardLoanProduct = "ろうきんカードローン";

    public static readonly IReadOnlyList<DemoCustomer> All =
    [
        new("1000000001", "tanaka01", "Sandbox-Tanaka-01", "1357", "9000000001", "RKP4ID52NRF3TJGSYSK7U3TZHGITH6LD",
            "田中 一郎", "タナカ イチロウ",
            [
                new(AccountRole.Main, AccountKind.Ordinary, "001", "0123456", Combined, true, 420_000),
                new(AccountRole.Savings, AccountKind.Savings, "001", "0234567", SavingsProduct, true, 1_250_000, AnnualRateBasisPoints: 25),
                new(AccountRole.CardLoan, AccountKind.CardLoan, "001", "0345678", CardLoanProduct, true, 120_000, CreditLimit: 500_000, AnnualRateBasisPoints: 650),
                new(AccountRole.Fixed, AccountKind.TimeDeposit, "001", "0456789", "スーパー定期", false, 1_000_000, AnnualRateBasisPoints: 40),
            ]),
        new("1000000002", "suzuki02", "Sandbox-Suzuki-02", "2468", "9000000002", "7LPM44I2SLHISVQFLRCKF7F6PIVYAEZN",
            "鈴木 花子", "スズキ ハナコ",
            [
                new(AccountRole.Main, AccountKind.Ordinary, "012", "1122334", Combined, true, 310_000),
                new(AccountRole.Secondary, AccountKind.Ordinary, "025", "2233445", Ordinary, true, 85_000),
                new(AccountRole.Secondary, AccountKind.Ordinary, "031", "3344556", Ordinary, true, 42_000),
                new(AccountRole.Savings, AccountKind.Savings, "012", "1122335", SavingsProduct, true, 600_000, AnnualRateBasisPoints: 25),
            ]),
        new("1000000003", "sato03", "Sandbox-Sato-03", "3579", "9000000003", "YQBZYZ46YRAWIPO43TM7X7SK4AC5GEKO",
            "佐藤 健", "サトウ ケン",
            [
                new(AccountRole.CardLoan, AccountKind.CardLoan, "047", "4455667", CardLoanProduct, true, 180_000, CreditLimit: 300_000, AnnualRateBasisPoints: 850),
            ]),
        new("1000000004", "takahashi04", "Sandbox-Takahashi-04", "4680", "9000000004", "EW4X76KNARNCB6A52EZKQ6OXO3S4QF43",
            "高橋 美咲", "タカハシ ミサキ",
            [
                new(AccountRole.Main, AccountKind.Ordinary, "001", "5566778", Combined, true, 520_000),
                new(AccountRole.Secondary, AccountKind.Ordinary, "058", "6677889", Ordinary, false, 64_000),
                new(AccountRole.Secondary, AccountKind.Ordinary, "025", "7788990", Ordinary, true, 150_000, ClosedAfterMonths: 4),
                new(AccountRole.CardLoan, AccountKind.CardLoan, "001", "8899001", CardLoanProduct, true, 0, CreditLimit: 1_000_000, AnnualRateBasisPoints: 450),
            ]),
        new("1000000005", "watanabe05", "Sandbox-Watanabe-05", "5791", "9000000005", "CTEYNRXUGHY6MURRMVBPEKDAB2N66F3A",
            "渡辺 翔", "ワタナベ ショウ",
            [
                new(AccountRole.Main, AccountKind.Ordinary, "031", "9900112", Combined, true, 260_000),
                new(AccountRole.Savings, AccountKind.Savings, "031", "9900113", SavingsProduct, true, 300_000, AnnualRateBasisPoints: 25),
                new(AccountRole.CardLoan, AccountKind.CardLoan, "031", "9900114", CardLoanProduct, true, 430_000, CreditLimit: 500_000, AnnualRateBasisPoints: 650),
                new(AccountRole.Secondary, AccountKind.Ordinary, "012", "9900115", Ordinary, true, 30_000, FrozenAfterMonths: 7),
            ]),
        new("1000000006", "ito06", "Sandbox-Ito-06", "6802", "9000000006", "BXUNBLHNKWVKWLSLVQ4ADLS64TZ25NV2",
            "伊藤 さくら", "イトウ サクラ",
            [
                new(AccountRole.Main, AccountKind.Ordinary, "058", "1212121", Combined, true, 380_000),
                new(AccountRole.Savings, AccountKind.Savings, "058", "1212122", SavingsProduct, true, 900_000, AnnualRateBasisPoints: 25),
            ]),
    ];
}
