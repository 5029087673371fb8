using BankLink.Domain.Customers;
using BankLink.Domain.Otp;
using BankLink.Domain.Providers;
using Microsoft.EntityFrameworkCore;

namespace BankLink.Data;

/// <summary>BankLink's own tables. The schema comes from the SQL scripts in Migrations/, never from EF.</summary>
public sealed class BankLinkDbContext(DbContextOptions<BankLinkDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<OtpDevice> OtpDevices => Set<OtpDevice>();

    public DbSet<Provider> Providers => Set<Provider>();

    public DbSet<ChainedRecipient> ChainedRecipients => Set<ChainedRecipient>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BankLinkDbContext).Assembly);
}
