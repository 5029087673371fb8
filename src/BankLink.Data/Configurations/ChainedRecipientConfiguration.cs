using BankLink.Domain.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BankLink.Data.Configurations;

internal sealed class ChainedRecipientConfiguration : IEntityTypeConfiguration<ChainedRecipient>
{
    public void Configure(EntityTypeBuilder<ChainedRecipient> builder)
    {
        builder.ToTable("chained_recipients");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(r => r.ProviderId).HasColumnName("provider_id");
        builder.Property(r => r.Name).HasColumnName("name").HasMaxLength(200);
        builder.Property(r => r.NameJa).HasColumnName("name_ja").HasMaxLength(200);
        builder.Property(r => r.Purpose).HasColumnName("purpose").HasMaxLength(500);
        builder.Property(r => r.PurposeJa).HasColumnName("purpose_ja").HasMaxLength(500);
        builder.Property(r => r.CreatedAt).HasColumnName("created_at");
        builder.HasIndex(r => new { r.ProviderId, r.Name }).IsUnique().HasDatabaseName("uq_chained_recipients_provider_name");
    }
}
