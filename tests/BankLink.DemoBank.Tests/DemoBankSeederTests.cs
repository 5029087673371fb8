using BankLink.CoreBanking;
using BankLink.Data.DataProtection;
using BankLink.Domain.Accounts;
using BankLink.Domain.Otp;
using BankLink.Domain.Security;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.DemoBank.Tests;

/// <summary>The documented sandbox bank, seeded into a fresh migrated database per test.</summary>
public sealed class DemoBankSeederTests : ServicesOverDatabase<SchemaDatabase>
{
    private DemoBankSeeder Seeder => Services.GetRequiredService<DemoBankSeeder>();

    [Fact]
    public async Task Seed_EmptySchema_LoadsEveryDocumentedCustomerWithHistoryAndTheSandboxProvider()
    {
        var result = await Seeder.SeedAsync();

        Assert.Equal(DemoCustomers.All.Count, result.CustomersAdded);
        Assert.True(result.ProviderAdded);
        Assert.True(DemoCustomers.All.Count >= 5);
        Assert.Equal(DemoCustomers.All.Count, await Database.ScalarAsync<long>("SELECT count(*) FROM customers"));
        Assert.Equal(DemoCustomers.All.Sum(c => c.Accounts.Count), await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.accounts"));
        Assert.Equal(result.TransactionsAdded, await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.transactions"));
        Assert.Equal(DemoCustomers.All.Count, await Database.ScalarAsync<long>("SELECT count(*) FROM otp_devices WHERE status = 'active'"));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM providers WHERE is_sandbox"));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM chained_recipients"));
    }

    [Fact]
    public async Task Seed_Twice_SecondRunAddsNothing()
    {
        await Seeder.SeedAsync();
        var transactions = await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.transactions");

        var second = await Seeder.SeedAsync();

        Assert.Equal(new DemoSeedResult(0, 0, 0, false), second);
        Assert.Equal(transactions, await Database.ScalarAsync<long>("SELECT count(*) FROM ledger.transactions"));
    }

    [Fact]
    public async Task Seed_TwoNodesAtOnce_LoadsOnce()
    {
        await using var otherNode = BankLinkServices.Build(Database.ConnectionString);

        var results = await Task.WhenAll(
            Task.Run(() => Seeder.SeedAsync()),
            Task.Run(() => otherNode.GetRequiredService<DemoBankSeeder>().SeedAsync()));

        Assert.Equal(DemoCustomers.All.Count, results.Sum(r => r.CustomersAdded));
        Assert.Equal(DemoCustomers.All.Count, await Database.ScalarAsync<long>("SELECT count(*) FROM customers"));
    }

    [Fact]
    public async Task Seed_OneCustomerMissing_OnlyThatOneIsAdded()
    {
        await Seeder.SeedAsync();
        await Database.ExecuteAsync("""
            DELETE FROM ledger.transactions WHERE account_id IN (SELECT id FROM ledger.accounts WHERE customer_number = '1000000006');
            DELETE FROM ledger.accounts WHERE customer_number = '1000000006';
            DELETE FROM otp_devices WHERE customer_id = (SELECT id FROM customers WHERE customer_number = '1000000006');
            DELETE FROM registration_accounts WHERE registration_id IN (SELECT r.id FROM registrations r JOIN customers c ON c.id = r.customer_id WHERE c.customer_number = '1000000006');
            DELETE FROM registrations WHERE customer_id = (SELECT id FROM customers WHERE customer_number = '1000000006');
            DELETE FROM customers WHERE customer_number = '1000000006';
            """);

        var result = await Seeder.SeedAsync();

        Assert.Equal(1, result.CustomersAdded);
        Assert.Equal(DemoCustomers.All.Count, await Database.ScalarAsync<long>("SELECT count(*) FROM customers"));
    }

    [Fact]
    public async Task Seed_StoredLedger_KeepsEveryInvariant()
    {
        await Seeder.SeedAsync();

        await LedgerInvariantQueries.AssertAllHoldAsync(Database);
    }

    [Fact]
    public async Task Seed_Secrets_StoredOnlyAsHashesAndCiphertext()
    {
        await Seeder.SeedAsync();
        var protector = Services.GetRequiredService<OtpSeedProtector>();

        foreach (var demo in DemoCustomers.All)
        {
            var passwordHash = await Database.ScalarAsync<string>("SELECT password_hash FROM customers WHERE login_id = $1", demo.LoginId);
            var pinHash = await Database.ScalarAsync<string>("SELECT confirmation_pin_hash FROM customers WHERE login_id = $1", demo.LoginId);
            var protectedSeed = await Database.ScalarAsync<string>("SELECT protected_seed FROM otp_devices WHERE serial_number = $1", demo.OtpSerialNumber);

            Assert.DoesNotContain(demo.Password, passwordHash, StringComparison.Ordinal);
            Assert.True(SecretHasher.Verify(demo.Password, passwordHash));
            Assert.True(SecretHasher.Verify(demo.ConfirmationPin, pinHash));
            Assert.DoesNotContain(demo.OtpSecretBase32, protectedSeed, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(Base32.Decode(demo.OtpSecretBase32)), protectedSeed, StringComparison.Ordinal);
            Assert.Equal(Base32.Decode(demo.OtpSecretBase32), protector.Unprotect(protectedSeed));
        }
    }

    [Fact]
    public async Task Seed_Dataset_CoversEveryLinkableKindAndEveryReasonNotToLink()
    {
        await Seeder.SeedAsync();
        var core = Services.GetRequiredService<ICoreBankingGateway>();
        var all = new List<CoreAccount>();
        foreach (var customer in DemoCustomers.All)
        {
            all.AddRange(await core.GetAccountsAsync(customer.CustomerNumber, CancellationToken.None));
        }

        foreach (var kind in new[] { AccountKind.Ordinary, AccountKind.Savings, AccountKind.CardLoan })
        {
            Assert.Contains(all, a => a.Kind == kind && a.IsLinkable);
        }

        foreach (var reason in new[] { NotLinkableReason.KindNotOffered, NotLinkableReason.NoPinRegisteredCard, NotLinkableReason.Closed, NotLinkableReason.Frozen })
        {
            Assert.Contains(all, a => a.NotLinkableReason == reason);
        }

        var cardLoanOnly = Assert.Single(await core.GetAccountsAsync("1000000003", CancellationToken.None));
        Assert.Equal(AccountKind.CardLoan, cardLoanOnly.Kind);
        var severalOrdinary = (await core.GetAccountsAsync("1000000002", CancellationToken.None)).Where(a => a.Kind == AccountKind.Ordinary).ToList();
        Assert.True(severalOrdinary.Select(a => a.BranchCode).Distinct().Count() >= 3);
        Assert.All(all, a => Assert.False(string.IsNullOrEmpty(a.BranchName)));
    }

    [Fact]
    public async Task Balance_CardLoan_OutstandingLimitAndAvailable()
    {
        await Seeder.SeedAsync();
        var core = Services.GetRequiredService<ICoreBankingGateway>();
        var loan = (await core.GetAccountsAsync("1000000005", CancellationToken.None)).Single(a => a.Kind == AccountKind.CardLoan);

        var balance = await core.GetBalanceAsync(loan.Id, CancellationToken.None);

        Assert.NotNull(balance);
        Assert.Equal(500_000, balance.CreditLimit);
        Assert.InRange(balance.Balance, 0, 500_000);
        Assert.Equal(500_000 - balance.Balance, balance.AvailableToBorrow);
        Assert.Null(await core.GetBalanceAsync(Guid.NewGuid(), CancellationToken.None));
    }
}
