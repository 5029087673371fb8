using BankLink.Data;
using BankLink.Server.Commands;

namespace BankLink.Server.Tests;

public sealed class ConsoleProgressTests
{
    [Fact]
    public void Render_HalfDone_BarCountsRateAndTimeLeft()
    {
        var line = ConsoleProgress.Render(new ProgressReport("Seeding", 50_000, 100_000, "customers", "12,000,000 transactions"), 1_000, TimeSpan.FromSeconds(50));

        Assert.Contains("[###############...............]", line, StringComparison.Ordinal);
        Assert.Contains("50,000/100,000 customers", line, StringComparison.Ordinal);
        Assert.Contains("12,000,000 transactions", line, StringComparison.Ordinal);
        Assert.Contains("1,000/s", line, StringComparison.Ordinal);
        Assert.Contains("~00:50 left", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnknownTotal_EmptyBarNoTimeLeft()
    {
        var line = ConsoleProgress.Render(new ProgressReport("Applying", 0, 0, "scripts"), 0, TimeSpan.Zero);

        Assert.Contains("[..............................]", line, StringComparison.Ordinal);
        Assert.Contains("~00:00 left", line, StringComparison.Ordinal);
    }
}
