using BankLink.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BankLink.Data.Configurations;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.ToTable("customers");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(c => c.CustomerNumber).HasColumnName("customer_number").HasMaxLength(10);
        builder.Property(c => c.LoginId).HasColumnName("login_id").HasMaxLength(64);
        builder.Property(c => c.DisplayName).HasColumnName("display_name").HasMaxLength(100);
        builder.Property(c => c.DisplayNameKana).HasColumnName("display_name_kana").HasMaxLength(100);
        builder.Property(c => c.PasswordHash).HasColumnName("password_hash").HasMaxLength(200);
        builder.Property(c => c.ConfirmationPinHash).HasColumnName("confirmation_pin_hash").HasMaxLength(200);
        builder.Property(c => c.Status).HasColumnName("status").HasMaxLength(20).HasConversion(new SnakeCaseEnumConverter<CustomerStatus>());
        builder.Property(c => c.ConsecutiveFailures).HasColumnName("consecutive_failures");
        builder.Property(c => c.IsSynthetic).HasColumnName("is_synthetic");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");

        // Lockout counters change under concurrent logins: PostgreSQL's xmin is the row version.
        builder.Property<uint>("xmin").HasColumnName("xmin").IsRowVersion();
        builder.HasIndex(c => c.LoginId).IsUnique().HasDatabaseName("uq_customers_login_id");
        builder.HasIndex(c => c.CustomerNumber).IsUnique().HasDatabaseName("uq_customers_customer_number");
    }
}
