using BankLink.Domain.Customers;
using BankLink.Domain.Otp;
using BankLink.Domain.Providers;
using BankLink.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>The EF Core model against the schema the SQL scripts create (EF never creates or changes it).</summary>
public sealed class EfModelTests : ServicesOverDatabase<SchemaDatabase>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 1, 2, 3, TimeSpan.Zero);

    private BankLinkDbContext NewContext() => Services.CreateScope().ServiceProvider.GetRequiredService<BankLinkDbContext>();

    private static Customer NewCustomer(string number) => new()
    {
        Id = Guid.NewGuid(),
        CustomerNumber = number,
        LoginId = "login" + number,
        DisplayName = "テスト 太郎",
        DisplayNameKana = "テスト タロウ",
        PasswordHash = "pbkdf2-sha512$1$AAAA$AAAA",
        ConfirmationPinHash = "pbkdf2-sha512$1$AAAA$AAAA",
        Status = CustomerStatus.Active,
        CreatedAt = Now,
    };

    [Fact]
    public async Task EveryEntity_RoundTripsThroughTheRealSchema()
    {
        var customer = NewCustomer("2000000001");
        var provider = new Provider
        {
            Id = Guid.NewGuid(), Name = "Test Provider", NameJa = "テスト事業者", Description = "d", DescriptionJa = "説明",
            Status = ProviderStatus.Suspended, CreatedAt = Now,
        };
        provider.ChainedRecipients.Add(new ChainedRecipient { Id = Guid.NewGuid(), ProviderId = provider.Id, Name = "R", NameJa = "受領者", Purpose = "p", PurposeJa = "目的", CreatedAt = Now });
        var device = new OtpDevice { Id = Guid.NewGuid(), CustomerId = customer.Id, Kind = OtpDeviceKind.Hardware, SerialNumber = "1234567890", ProtectedSeed = "cipher", Status = OtpDeviceStatus.InStock, CreatedAt = Now };
        await using (var db = NewContext())
        {
            db.AddRange(customer, provider, device);
            await db.SaveChangesAsync();
        }

        await using var read = NewContext();
        var storedCustomer = await read.Customers.SingleAsync(c => c.Id == customer.Id);
        var storedProvider = await read.Providers.Include(p => p.ChainedRecipients).SingleAsync(p => p.Id == provider.Id);
        var storedDevice = await read.OtpDevices.SingleAsync(d => d.Id == device.Id);

        Assert.Equal("テスト 太郎", storedCustomer.DisplayName);
        Assert.Equal(Now, storedCustomer.CreatedAt);
        Assert.Equal(ProviderStatus.Suspended, storedProvider.Status);
        Assert.Single(storedProvider.ChainedRecipients);
        Assert.Equal(OtpDeviceStatus.InStock, storedDevice.Status);
        Assert.Equal("in_stock", await Database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE id = $1", device.Id));
        Assert.Equal("suspended", await Database.ScalarAsync<string>("SELECT status FROM providers WHERE id = $1", provider.Id));
    }

    [Fact]
    public async Task ConcurrentEdits_SecondWriterWithStaleRowVersion_IsRefused()
    {
        var customer = NewCustomer("2000000002");
        await using (var db = NewContext())
        {
            db.Add(customer);
            await db.SaveChangesAsync();
        }

        await using var first = NewContext();
        await using var second = NewContext();
        var a = await first.Customers.SingleAsync(c => c.Id == customer.Id);
        var b = await second.Customers.SingleAsync(c => c.Id == customer.Id);
        a.ConsecutiveFailures = 1;
        await first.SaveChangesAsync();
        b.ConsecutiveFailures = 1;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }

    [Fact]
    public async Task SchemaConstraint_UnknownStatus_RefusedByTheDatabase()
    {
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => Database.ExecuteAsync(
            "INSERT INTO customers (id, customer_number, login_id, display_name, display_name_kana, password_hash, confirmation_pin_hash, status, created_at) VALUES (gen_random_uuid(), '3', 'x', 'x', 'x', 'x', 'x', 'deleted', now())"));

        Assert.Equal(Npgsql.PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task Write_CommitsOnceAndRunsUnderTheRetryingStrategy()
    {
        await using var db = NewContext();
        Assert.True(db.Database.CreateExecutionStrategy().RetriesOnFailure);

        var id = await DatabaseWork.WriteAsync(db, async (context, ct) =>
        {
            var customer = NewCustomer("2000000003");
            context.Add(customer);
            await context.SaveChangesAsync(ct);
            return customer.Id;
        }, (context, ct) => context.Customers.AnyAsync(c => c.CustomerNumber == "2000000003", ct), CancellationToken.None);

        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM customers WHERE id = $1", id));
    }
}
