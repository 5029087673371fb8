using BankLink.DemoBank.Ledger;
using BankLink.Domain.Accounts;

namespace BankLink.DemoBank.Tests;

/// <summary>The ledger's invariants, checked line by line on generated histories.</summary>
internal static class LedgerAssertions
{
    public static void AssertInvariants(GeneratedAccount account, LedgerPeriod period)
    {
        var plan = account.Plan;
        var isLoan = plan.Kind == AccountKind.CardLoan;
        var balance = plan.OpeningBalance;
        var expectedSeq = 1;
        var previous = DateOnly.MinValue;
        foreach (var e in account.Entries)
        {
            Assert.Equal(expectedSeq++, e.Seq);
            Assert.True(e.Amount > 0, $"{plan.AccountNumber} #{e.Seq}: amount must be positive");
            Assert.InRange(e.BookingDate, period.First, period.Last);
            Assert.True(e.BookingDate >= previous, $"{plan.AccountNumber} #{e.Seq}: booking dates go forward");
            Assert.True(e.ValueDate >= e.BookingDate, $"{plan.AccountNumber} #{e.Seq}: value date not before booking date");
            Assert.True(BankCalendar.IsBusinessDay(e.ValueDate), $"{plan.AccountNumber} #{e.Seq}: value date is a business day");
            Assert.InRange(e.Description.Length, 1, 48);
            balance += (e.IsCredit != isLoan) ? e.Amount : -e.Amount;
            Assert.Equal(balance, e.BalanceAfter);
            if (isLoan)
            {
                Assert.InRange(e.BalanceAfter, 0, plan.CreditLimit!.Value);
            }
            else
            {
                Assert.True(e.BalanceAfter >= 0, $"{plan.AccountNumber} #{e.Seq}: deposits never go negative");
            }

            previous = e.BookingDate;
        }

        Assert.Equal(balance, account.ClosingBalance);
        if (plan.ClosesOn is { } closed)
        {
            Assert.Equal(0, account.ClosingBalance);
            Assert.Equal(TransactionType.Closure, account.Entries[^1].Type);
            Assert.All(account.Entries, e => Assert.True(e.BookingDate <= closed));
        }

        if (plan.FrozenOn is { } frozen)
        {
            Assert.All(account.Entries, e => Assert.True(e.BookingDate < frozen));
        }
    }
}
