using BankLink.Domain.Time;

namespace BankLink.DemoBank;

/// <summary>The 13 months of history the sandbox holds: up to yesterday, Japan time, when it is seeded.</summary>
public sealed record LedgerPeriod(DateOnly First, DateOnly Last)
{
    public const int Months = 13;

    public static LedgerPeriod EndingYesterday(TimeProvider clock)
    {
        var last = JapanTime.Today(clock).AddDays(-1);
        return new LedgerPeriod(last.AddMonths(-Months).AddDays(1), last);
    }
}
