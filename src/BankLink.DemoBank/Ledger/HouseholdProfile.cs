namespace BankLink.DemoBank.Ledger;

/// <summary>The money habits of one customer, drawn once from their seed so every run generates the same history.</summary>
public sealed record HouseholdProfile(
    string Employer,
    long MonthlySalary,
    string Landlord,
    long Rent,
    long Electricity,
    long Gas,
    long Phone,
    long CardSpend,
    int AtmWithdrawalsPerMonth,
    int DebitPurchasesPerMonth,
    long SavingsTransfer,
    long LoanRepayment,
    string Relative)
{
    private static readonly string[] Employers =
        ["サクラ工業（株）", "ミナト物流（株）", "アオバ製作所（株）", "ヒカリ電機（株）", "ツバサ食品（株）", "ワカバ介護会", "シラユリ病院", "カエデ建設（株）"];

    private static readonly string[] Landlords =
        ["ミドリ不動産（株）", "アサヒハウジング", "ユウキ管理（株）", "ソラ住宅サービス"];

    private static readonly string[] Relatives =
        ["ヤマダ　ハナコ", "タナカ　ミツル", "スズキ　ヨウコ", "サトウ　タケシ", "イトウ　マサミ", "ワタナベ　ケン"];

    public static HouseholdProfile Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var salary = RoundTo(random.Next(210_000, 480_000), 1_000);
        return new HouseholdProfile(
            Employer: Employers[random.Next(Employers.Length)],
            MonthlySalary: salary,
            Landlord: Landlords[random.Next(Landlords.Length)],
            Rent: random.Next(3) == 0 ? 0 : RoundTo(random.Next(52_000, 98_000), 1_000),
            Electricity: random.Next(5_500, 11_000),
            Gas: random.Next(3_000, 7_000),
            Phone: random.Next(2_980, 9_800),
            CardSpend: RoundTo(salary * random.Next(10, 35) / 100, 1),
            AtmWithdrawalsPerMonth: random.Next(1, 5),
            DebitPurchasesPerMonth: random.Next(0, 12),
            SavingsTransfer: RoundTo(salary * random.Next(5, 15) / 100, 1_000),
            LoanRepayment: random.Next(2) == 0 ? 10_000 : 20_000,
            Relative: Relatives[random.Next(Relatives.Length)]);
    }

    private static long RoundTo(long value, long step) => value / step * step;
}
