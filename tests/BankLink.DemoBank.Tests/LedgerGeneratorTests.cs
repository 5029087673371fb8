using BankLink.DemoBank.Ledger;
using BankLink.Domain.Accounts;

namespace BankLink.DemoBank.Tests;

public sealed class LedgerGeneratorTests
{
    private static readonly LedgerPeriod Period = new(new DateOnly(2025, 10, 21), new DateOnly(2026, 11, 20));

    private static IReadOnlyList<GeneratedAccount> Ledger(string loginId) =>
        DemoBankSeeder.GenerateLedger(DemoCustomers.All.Single(c => c.LoginId == loginId), Period);

    [Fact]
    public void Generate_SameCustomerAndPeriod_SameHistoryEveryTime()
    {
        var first = DemoCustomers.All.SelectMany(c => DemoBankSeeder.GenerateLedger(c, Period)).ToList();
        var second = DemoCustomers.All.SelectMany(c => DemoBankSeeder.GenerateLedger(c, Period)).ToList();

        Assert.Equal(first.Select(a => a.Plan.Id), second.Select(a => a.Plan.Id));
        Assert.Equal(first.SelectMany(a => a.Entries), second.SelectMany(a => a.Entries));
    }

    [Fact]
    public void Generate_EveryDemoAccount_KeepsTheLedgerInvariants()
    {
        foreach (var customer in DemoCustomers.All)
        {
            foreach (var account in DemoBankSeeder.GenerateLedger(customer, Period))
            {
                LedgerAssertions.AssertInvariants(account, Period);
            }
        }
    }

    [Fact]
    public void Generate_SyntheticCustomers_KeepTheLedgerInvariants()
    {
        for (var index = 1; index <= 300; index++)
        {
            foreach (var account in BulkSeeder.GenerateLedger(index, Period))
            {
                LedgerAssertions.AssertInvariants(account, Period);
            }
        }
    }

    [Fact]
    public void Generate_MainAccount_ThirteenMonthsOfSalaryAndEverydayLife()
    {
        var main = Ledger("tanaka01").Single(a => a.Plan.Role == AccountRole.Main);
        var types = main.Entries.Select(e => e.Type).ToHashSet();

        Assert.Equal(13, main.Entries.Count(e => e.Type == TransactionType.Salary));
        Assert.Equal(2, main.Entries.Count(e => e.Type == TransactionType.Bonus));
        Assert.Superset(new HashSet<TransactionType>
        {
            TransactionType.Utility, TransactionType.CardPayment, TransactionType.AtmWithdrawal,
            TransactionType.SavingsTransfer, TransactionType.LoanRepaymentTransfer, TransactionType.Interest,
        }, types);
        Assert.All(main.Entries.Where(e => e.Type == TransactionType.Salary), e => Assert.StartsWith("給与　", e.Description, StringComparison.Ordinal));
        Assert.InRange(main.Entries.Count, 150, 500);
    }

    [Fact]
    public void Generate_RentIsATransferOutWhenTheHouseholdRents()
    {
        var rents = DemoCustomers.All
            .SelectMany(c => DemoBankSeeder.GenerateLedger(c, Period))
            .SelectMany(a => a.Entries)
            .Where(e => e.Type == TransactionType.Rent)
            .ToList();

        Assert.NotEmpty(rents);
        Assert.All(rents, e => Assert.False(e.IsCredit));
        Assert.All(rents, e => Assert.StartsWith("振込　", e.Description, StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_TransfersBetweenOwnAccounts_BothLegsMatch()
    {
        var ledger = Ledger("tanaka01");
        var main = ledger.Single(a => a.Plan.Role == AccountRole.Main);
        var savings = ledger.Single(a => a.Plan.Role == AccountRole.Savings);
        var loan = ledger.Single(a => a.Plan.Role == AccountRole.CardLoan);

        var outToSavings = main.Entries.Where(e => e.Type == TransactionType.SavingsTransfer).Select(e => (e.BookingDate, e.Amount)).ToList();
        var inFromMain = savings.Entries.Where(e => e.Type == TransactionType.SavingsTransfer).Select(e => (e.BookingDate, e.Amount)).ToList();
        Assert.NotEmpty(outToSavings);
        Assert.Equal(outToSavings, inFromMain);

        var repaidFromMain = main.Entries.Where(e => e.Type == TransactionType.LoanRepaymentTransfer).Select(e => (e.BookingDate, e.Amount)).ToList();
        var repaidOnLoan = loan.Entries.Where(e => e.Type == TransactionType.LoanRepayment).Select(e => (e.BookingDate, e.Amount)).ToList();
        Assert.Equal(repaidFromMain, repaidOnLoan);
    }

    [Fact]
    public void Generate_CardLoan_DrawsRepaymentsAndInterestWithinLimit()
    {
        var loan = Ledger("watanabe05").Single(a => a.Plan.Kind == AccountKind.CardLoan);

        Assert.Contains(loan.Entries, e => e.Type == TransactionType.LoanDraw && !e.IsCredit);
        Assert.Contains(loan.Entries, e => e.Type == TransactionType.LoanRepayment && e.IsCredit);
        Assert.Contains(loan.Entries, e => e.Type == TransactionType.LoanInterest && !e.IsCredit);
        Assert.All(loan.Entries, e => Assert.InRange(e.BalanceAfter, 0, loan.Plan.CreditLimit!.Value));
    }

    [Fact]
    public void Generate_CardLoanOnlyCustomer_RepaysAtTheAtm()
    {
        var only = Assert.Single(Ledger("sato03"));

        Assert.Equal(AccountKind.CardLoan, only.Plan.Kind);
        Assert.Contains(only.Entries, e => e.Type == TransactionType.LoanRepayment && e.Description.Contains("ＡＴＭ", StringComparison.Ordinal));
    }

    [Fact]
    public void Generate_ClosedAccount_PaidOutAndSilentAfter()
    {
        var closed = Ledger("takahashi04").Single(a => a.Plan.ClosesOn is not null);

        Assert.Equal(AccountStatus.Closed, closed.Plan.Status);
        Assert.Equal(TransactionType.Closure, closed.Entries[^1].Type);
        Assert.Equal(0, closed.ClosingBalance);
    }

    [Fact]
    public void Generate_AccountWithoutPinCard_HasNoAtmLines()
    {
        var noCard = Ledger("takahashi04").Single(a => !a.Plan.HasPinCard);

        Assert.NotEmpty(noCard.Entries);
        Assert.DoesNotContain(noCard.Entries, e => e.Type == TransactionType.AtmWithdrawal);
    }

    [Fact]
    public void Generate_TimeDeposit_NoMovement()
    {
        var fixedDeposit = Ledger("tanaka01").Single(a => a.Plan.Kind == AccountKind.TimeDeposit);

        Assert.Empty(fixedDeposit.Entries);
        Assert.Equal(fixedDeposit.Plan.OpeningBalance, fixedDeposit.ClosingBalance);
    }

    [Fact]
    public void Period_EndingYesterday_IsThirteenMonthsInJapanTime()
    {
        var clock = new BankLink.Testing.SettableTimeProvider(new DateTimeOffset(2026, 11, 20, 16, 0, 0, TimeSpan.Zero)); // 01:00 on the 21st in Tokyo

        var period = LedgerPeriod.EndingYesterday(clock);

        Assert.Equal(new DateOnly(2026, 11, 20), period.Last);
        Assert.Equal(new DateOnly(2025, 10, 21), period.First);
    }
}
