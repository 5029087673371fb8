using BankLink.Domain.Accounts;

namespace BankLink.DemoBank.Ledger;

/// <summary>
/// Generates a household's account histories for a period: salary, rent, utilities, card bills, ATM
/// withdrawals, transfers between the customer's own accounts, interest, and card-loan draws, repayments
/// and interest. The same plans, profile and seed always give the same lines.
/// </summary>
/// <remarks>
/// Every movement is a posting with one leg per account it touches, applied in date order to running
/// balances. A posting that would overdraw a deposit or push a card loan over its limit is skipped, or
/// reduced where the bank would reduce it (loan interest, repayment of a small remainder, closure), so the
/// generated history always satisfies the ledger's invariants: balance = opening + credits - debits for
/// deposits (the reverse for card loans), deposits never negative, card loans within 0..limit.
/// </remarks>
public static class HouseholdLedgerGenerator
{
    private const double InterestAfterTax = 0.79685; // 20.315% withholding tax on deposit interest.

    private static readonly double[] ElectricitySeason = [1.45, 1.40, 1.15, 0.95, 0.85, 0.90, 1.20, 1.35, 1.10, 0.90, 1.00, 1.25];
    private static readonly string[] DebitShops =
        ["デビット　ミナトストア", "デビット　ハナマルドラッグ", "デビット　アオゾラ書店", "デビット　ソラマチ食堂", "デビット　ツバメ交通"];

    private static readonly double[] GasSeason = [1.60, 1.55, 1.30, 1.05, 0.85, 0.70, 0.60, 0.60, 0.65, 0.80, 1.05, 1.40];

    public static IReadOnlyList<GeneratedAccount> Generate(
        IReadOnlyList<AccountPlan> accounts, HouseholdProfile profile, Random random, DateOnly first, DateOnly last)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(random);
        var postings = Schedule(accounts, profile, random, first, last);
        return Apply(accounts, postings);
    }

    private static List<Posting> Schedule(IReadOnlyList<AccountPlan> accounts, HouseholdProfile p, Random random, DateOnly first, DateOnly last)
    {
        var postings = new List<Posting>();
        var main = IndexOf(accounts, AccountRole.Main);
        var savings = IndexOf(accounts, AccountRole.Savings);
        var loan = IndexOf(accounts, AccountRole.CardLoan);

        void Add(DateOnly booking, int order, long amount, params Leg[] legs) =>
            AddWith(booking, booking, order, _ => amount, clampable: false, legs);

        void AddWith(DateOnly booking, DateOnly value, int order, Func<long[], long> amount, bool clampable, params Leg[] legs)
        {
            if (booking >= first && booking <= last)
            {
                postings.Add(new Posting(booking, value, order, postings.Count, amount, clampable, legs));
            }
        }

        for (var month = new DateOnly(first.Year, first.Month, 1); month <= last; month = month.AddMonths(1))
        {
            int y = month.Year, m = month.Month;
            if (main >= 0)
            {
                var mainPlan = accounts[main];
                var overtime = 1 + random.Next(0, 9) / 100.0;
                Add(BankCalendar.OnOrBefore(BankCalendar.DayOf(y, m, 25)), 10, (long)(p.MonthlySalary * overtime),
                    Leg.Credit(main, "給与　" + p.Employer, TransactionType.Salary));
                if (m is 6 or 12)
                {
                    var bonus = p.MonthlySalary * random.Next(150, 250) / 100 / 1000 * 1000;
                    Add(BankCalendar.OnOrBefore(BankCalendar.DayOf(y, m, m == 6 ? 30 : 10)), 11, bonus,
                        Leg.Credit(main, "賞与　" + p.Employer, TransactionType.Bonus));
                }

                if (p.Rent > 0)
                {
                    Add(BankCalendar.OnOrBefore(BankCalendar.DayOf(y, m, 27)), 40, p.Rent,
                        Leg.Debit(main, "振込　" + p.Landlord, TransactionType.Rent));
                }

                Add(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 8)), 30, Vary(random, p.Electricity * ElectricitySeason[m - 1]),
                    Leg.Debit(main, "口座振替　ミナト電力", TransactionType.Utility));
                Add(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 12)), 31, Vary(random, p.Gas * GasSeason[m - 1]),
                    Leg.Debit(main, "口座振替　ミナトガス", TransactionType.Utility));
                if (m % 2 == 1)
                {
                    Add(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 20)), 32, random.Next(4_000, 7_500),
                        Leg.Debit(main, "口座振替　市水道局", TransactionType.Utility));
                }

                Add(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 26)), 33, p.Phone,
                    Leg.Debit(main, "口座振替　ソラモバイル", TransactionType.Utility));
                Add(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 10)), 35, Vary(random, p.CardSpend * (0.6 + random.NextDouble() * 0.9)),
                    Leg.Debit(main, "口座振替　ＲＫカード", TransactionType.CardPayment));

                if (mainPlan.HasPinCard)
                {
                    for (var i = 0; i < p.AtmWithdrawalsPerMonth; i++)
                    {
                        var day = BankCalendar.DayOf(y, m, random.Next(1, 32));
                        var convenience = random.Next(3) == 0;
                        AddWith(day, BankCalendar.OnOrAfter(day), 50, _ => random.Next(1, 6) * 10_000L, clampable: false,
                            Leg.Debit(main, convenience ? "ＣＤ　コンビニ出金" : "ＡＴＭ　出金", TransactionType.AtmWithdrawal));
                    }
                }

                if (mainPlan.HasPinCard)
                {
                    // Debit-card purchases (デビット) draw straight from the account.
                    for (var i = 0; i < p.DebitPurchasesPerMonth; i++)
                    {
                        var day = BankCalendar.DayOf(y, m, random.Next(1, 32));
                        AddWith(day, BankCalendar.OnOrAfter(day), 52, _ => random.Next(3, 80) * 100L, clampable: false,
                            Leg.Debit(main, DebitShops[random.Next(DebitShops.Length)], TransactionType.DebitPurchase));
                    }
                }

                if (random.Next(100) < 15)
                {
                    Add(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, random.Next(1, 29))), 20, random.Next(1, 6) * 10_000L,
                        Leg.Credit(main, "振込　" + p.Relative, TransactionType.TransferIn));
                }

                if (savings >= 0)
                {
                    Add(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 26)), 60, p.SavingsTransfer,
                        Leg.Debit(main, "振替　貯蓄預金へ", TransactionType.SavingsTransfer),
                        Leg.Credit(savings, "振替　普通預金より", TransactionType.SavingsTransfer));
                }

                if (m is 2 or 8)
                {
                    AddWith(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 20)), BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 20)), 80,
                        balances => DepositInterest(balances[main], mainPlan.AnnualRateBasisPoints), clampable: false,
                        Leg.Credit(main, "利息", TransactionType.Interest));
                }
            }

            if (savings >= 0)
            {
                var savingsPlan = accounts[savings];
                if (m is 3 or 9)
                {
                    var day = BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 20));
                    AddWith(day, day, 80, balances => DepositInterest(balances[savings], savingsPlan.AnnualRateBasisPoints), clampable: false,
                        Leg.Credit(savings, "利息", TransactionType.Interest));
                }

                if (savingsPlan.HasPinCard && random.Next(100) < 12)
                {
                    var day = BankCalendar.DayOf(y, m, random.Next(1, 29));
                    AddWith(day, BankCalendar.OnOrAfter(day), 50, _ => random.Next(1, 11) * 10_000L, clampable: false,
                        Leg.Debit(savings, "ＡＴＭ　出金", TransactionType.AtmWithdrawal));
                }
            }

            if (loan >= 0)
            {
                var loanPlan = accounts[loan];
                var repaymentDay = BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, 6));

                // Interest is charged on the outstanding loan, then the agreed repayment comes in (約定返済).
                AddWith(repaymentDay, repaymentDay, 70, balances => balances[loan] * loanPlan.AnnualRateBasisPoints / 10_000 / 12, clampable: true,
                    Leg.Debit(loan, "カードローン　利息", TransactionType.LoanInterest));
                var repayment = p.LoanRepayment;
                if (main >= 0)
                {
                    AddWith(repaymentDay, repaymentDay, 71, balances => Math.Min(repayment, balances[loan]), clampable: true,
                        Leg.Debit(main, "振替　カードローン返済", TransactionType.LoanRepaymentTransfer),
                        Leg.Credit(loan, "カードローン　約定返済", TransactionType.LoanRepayment));
                }
                else
                {
                    AddWith(repaymentDay, repaymentDay, 71, balances => Math.Min(repayment, balances[loan]), clampable: true,
                        Leg.Credit(loan, "カードローン　返済（ＡＴＭ）", TransactionType.LoanRepayment));
                }

                if (random.Next(100) < 40)
                {
                    var day = BankCalendar.DayOf(y, m, random.Next(1, 32));
                    AddWith(day, BankCalendar.OnOrAfter(day), 55, _ => random.Next(1, 11) * 10_000L, clampable: false,
                        Leg.Debit(loan, "カードローン　借入（ＡＴＭ）", TransactionType.LoanDraw));
                }
            }

            for (var i = 0; i < accounts.Count; i++)
            {
                if (accounts[i].Role != AccountRole.Secondary)
                {
                    continue;
                }

                if (random.Next(100) < 60)
                {
                    Add(BankCalendar.OnOrAfter(BankCalendar.DayOf(y, m, random.Next(1, 29))), 20, random.Next(1, 31) * 1_000L,
                        Leg.Credit(i, "振込　" + p.Relative, TransactionType.TransferIn));
                }

                if (random.Next(100) < 40)
                {
                    var day = BankCalendar.DayOf(y, m, random.Next(1, 29));
                    if (accounts[i].HasPinCard)
                    {
                        AddWith(day, BankCalendar.OnOrAfter(day), 50, _ => random.Next(1, 3) * 10_000L, clampable: false,
                            Leg.Debit(i, "ＡＴＭ　出金", TransactionType.AtmWithdrawal));
                    }
                    else
                    {
                        Add(BankCalendar.OnOrAfter(day), 34, 2_200, Leg.Debit(i, "口座振替　放送受信料", TransactionType.Utility));
                    }
                }
            }
        }

        for (var i = 0; i < accounts.Count; i++)
        {
            if (accounts[i].ClosesOn is { } closesOn)
            {
                var index = i;
                AddWith(closesOn, closesOn, 999, balances => balances[index], clampable: true, Leg.Debit(i, "解約", TransactionType.Closure));
            }
        }

        return postings;
    }

    private static List<GeneratedAccount> Apply(IReadOnlyList<AccountPlan> accounts, List<Posting> postings)
    {
        var balances = accounts.Select(a => a.OpeningBalance).ToArray();
        var entries = accounts.Select(_ => new List<LedgerEntry>()).ToArray();
        postings.Sort(static (a, b) => (a.Booking, a.Order, a.Sequence).CompareTo((b.Booking, b.Order, b.Sequence)));

        foreach (var posting in postings)
        {
            if (!posting.Legs.All(leg => IsMoving(accounts[leg.Account], posting)))
            {
                continue;
            }

            var amount = posting.Amount(balances);
            var room = posting.Legs.Min(leg => Room(accounts[leg.Account], balances[leg.Account], leg.IsCredit));
            if (amount > room)
            {
                if (!posting.Clampable)
                {
                    continue;
                }

                amount = room;
            }

            if (amount <= 0)
            {
                continue;
            }

            foreach (var leg in posting.Legs)
            {
                var plan = accounts[leg.Account];
                var increases = plan.Kind == AccountKind.CardLoan ? !leg.IsCredit : leg.IsCredit;
                balances[leg.Account] += increases ? amount : -amount;
                var list = entries[leg.Account];
                list.Add(new LedgerEntry(list.Count + 1, posting.Booking, posting.Value, amount, leg.IsCredit, balances[leg.Account], leg.Description, leg.Type));
            }
        }

        return [.. accounts.Select((plan, i) => new GeneratedAccount(plan, entries[i], balances[i]))];
    }

    /// <summary>An account takes postings from opening until it is frozen, or until its closing day's payout.</summary>
    private static bool IsMoving(AccountPlan plan, Posting posting) =>
        posting.Booking >= plan.OpenedOn
        && (plan.FrozenOn is null || posting.Booking < plan.FrozenOn)
        && (plan.ClosesOn is null || posting.Booking < plan.ClosesOn || (posting.Booking == plan.ClosesOn && posting.Order == 999));

    /// <summary>How much a leg can move: deposits cannot go below zero, card loans stay within 0..limit.</summary>
    private static long Room(AccountPlan plan, long balance, bool isCredit) => (plan.Kind, isCredit) switch
    {
        (AccountKind.CardLoan, false) => plan.CreditLimit!.Value - balance,
        (AccountKind.CardLoan, true) => balance,
        (_, false) => balance,
        _ => long.MaxValue,
    };

    private static long DepositInterest(long balance, int annualRateBasisPoints) =>
        (long)(balance * annualRateBasisPoints / 10_000.0 / 2 * InterestAfterTax);

    private static long Vary(Random random, double amount) => (long)(amount * (0.93 + random.NextDouble() * 0.14));

    private static int IndexOf(IReadOnlyList<AccountPlan> accounts, AccountRole role)
    {
        for (var i = 0; i < accounts.Count; i++)
        {
            if (accounts[i].Role == role && accounts[i].ClosesOn is null && accounts[i].FrozenOn is null)
            {
                return i;
            }
        }

        return -1;
    }

    private sealed record Posting(DateOnly Booking, DateOnly Value, int Order, int Sequence, Func<long[], long> Amount, bool Clampable, Leg[] Legs);

    private readonly record struct Leg(int Account, bool IsCredit, string Description, TransactionType Type)
    {
        public static Leg Credit(int account, string description, TransactionType type) => new(account, true, description, type);

        public static Leg Debit(int account, string description, TransactionType type) => new(account, false, description, type);
    }
}
