using BankLink.Domain.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BankLink.Data.Configurations;

internal sealed class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> builder)
    {
        builder.ToTable("providers");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(p => p.Name).HasColumnName("name").HasMaxLength(200);
        builder.Property(p => p.NameJa).HasColumnName("name_ja").HasMaxLength(200);
        builder.Property(p => p.Description).HasColumnName("description").HasMaxLength(1000);
        builder.Property(p => p.DescriptionJa).HasColumnName("description_ja").HasMaxLength(1000);
        builder.Property(p => p.Website).HasColumnName("website").HasMaxLength(500);
        builder.Property(p => p.Status).HasColumnName("status").HasMaxLength(20).HasConversion(new SnakeCaseEnumConverter<ProviderStatus>());
        builder.Property(p => p.IsSandbox).HasColumnName("is_sandbox");
        builder.Property(p => p.CreatedAt).HasColumnName("created_at");

        // Suspension races with other operator edits.
        builder.Property<uint>("xmin").HasColumnName("xmin").IsRowVersion();
        builder.HasIndex(p => p.Name).IsUnique().HasDatabaseName("uq_providers_name");
        builder.HasMany(p => p.ChainedRecipients).WithOne().HasForeignKey(r => r.ProviderId).OnDelete(DeleteBehavior.Restrict);
    }
}
