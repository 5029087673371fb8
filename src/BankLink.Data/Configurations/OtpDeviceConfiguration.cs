using BankLink.Domain.Customers;
using BankLink.Domain.Otp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BankLink.Data.Configurations;

internal sealed class OtpDeviceConfiguration : IEntityTypeConfiguration<OtpDevice>
{
    public void Configure(EntityTypeBuilder<OtpDevice> builder)
    {
        builder.ToTable("otp_devices");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(d => d.CustomerId).HasColumnName("customer_id");
        builder.Property(d => d.Kind).HasColumnName("kind").HasMaxLength(10).HasConversion(new SnakeCaseEnumConverter<OtpDeviceKind>());
        builder.Property(d => d.SerialNumber).HasColumnName("serial_number").HasMaxLength(10).IsFixedLength();
        builder.Property(d => d.ProtectedSeed).HasColumnName("protected_seed").HasMaxLength(4000);
        builder.Property(d => d.Status).HasColumnName("status").HasMaxLength(20).HasConversion(new SnakeCaseEnumConverter<OtpDeviceStatus>());
        builder.Property(d => d.LastUsedStep).HasColumnName("last_used_step");
        builder.Property(d => d.RegisteredAt).HasColumnName("registered_at");
        builder.Property(d => d.CreatedAt).HasColumnName("created_at");

        // The replay guard (last_used_step) is raced by two logins with the same code.
        builder.Property<uint>("xmin").HasColumnName("xmin").IsRowVersion();
        builder.HasIndex(d => d.SerialNumber).IsUnique().HasDatabaseName("uq_otp_devices_serial_number");
        builder.HasIndex(d => d.CustomerId).HasDatabaseName("ix_otp_devices_customer");
        builder.HasOne<Customer>().WithMany().HasForeignKey(d => d.CustomerId).OnDelete(DeleteBehavior.Restrict);
    }
}
