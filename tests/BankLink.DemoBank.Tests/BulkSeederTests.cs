using BankLink.Data;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.DemoBank.Tests;

/// <summary>The bulk generator behind <c>seed-demo --customers N</c>, on a small N.</summary>
public sealed class BulkSeederTests : ServicesOverDatabase<SchemaDatabase>
{
    private BulkSeeder Seeder => Services.GetRequiredService<BulkSeeder>();

    [Fact]
    public async Task Seed_CustomersAcrossSeveralBatches_AllWrittenWithHistoryAndInvariantsHold()
    {
        var customers = BulkSeeder.BatchSize * 2 + 37;

        var result = await Seeder.SeedAsync(customers);

        Assert.Equal(customers, result.CustomersAdded);
        Assert.Equal(customers, await Database.ScalarAsync<long>("SELECT count(*) FROM customers WHERE is_synthetic"));
        Assert.Equal(result.AccountsAdded, await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.accounts"));
        Assert.Equal(result.TransactionsAdded, await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.transactions"));
        Assert.True(result.TransactionsAdded > customers * 150L, "about two hundred lines per customer");
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM otp_devices"));
        await LedgerInvariantQueries.AssertAllHoldAsync(Database);
    }

    [Fact]
    public async Task Seed_SameCountTwice_SecondRunAddsNothing()
    {
        await Seeder.SeedAsync(120);

        var second = await Seeder.SeedAsync(120);

        Assert.Equal(0, second.CustomersAdded);
        Assert.Equal(120, second.CustomersPresent);
    }

    [Fact]
    public async Task Seed_LargerCountLater_ResumesWhereTheLastRunStopped()
    {
        await Seeder.SeedAsync(BulkSeeder.BatchSize - 20);

        var more = await Seeder.SeedAsync(BulkSeeder.BatchSize + 30);

        Assert.Equal(50, more.CustomersAdded);
        var numbers = await Database.ScalarAsync<string[]>("SELECT array_agg(customer_number ORDER BY customer_number) FROM customers");
        Assert.Equal(Enumerable.Range(1, BulkSeeder.BatchSize + 30).Select(BulkSeeder.CustomerNumberOf), numbers);
    }

    [Fact]
    public async Task Seed_ReportsProgressUpToTheTotal()
    {
        var reports = new List<ProgressReport>();
        var progress = new SynchronousProgress(reports);

        await Seeder.SeedAsync(BulkSeeder.BatchSize + 1, progress, workers: 1);

        Assert.Equal(BulkSeeder.BatchSize + 1, reports[^1].Done);
        Assert.Equal(BulkSeeder.BatchSize + 1, reports[^1].Total);
        Assert.Contains("transactions", reports[^1].Extra, StringComparison.Ordinal);
        Assert.Equal(reports.Select(r => r.Done).Order(), reports.Select(r => r.Done));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(BulkSeeder.MaxCustomers + 1)]
    public async Task Seed_CountOutOfRange_RefusedBeforeWritingAnything(int customers)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Seeder.SeedAsync(customers));

        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM customers"));
    }

    private sealed class SynchronousProgress(List<ProgressReport> reports) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
