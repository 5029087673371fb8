namespace BankLink.Data.Migrations;

/// <summary>How the database's schema compares with the scripts this build carries.</summary>
public sealed record SchemaStatus(
    IReadOnlyList<MigrationScript> Pending,
    IReadOnlyList<AppliedMigration> Edited,
    IReadOnlyList<AppliedMigration> Unknown)
{
    /// <summary>Every script of this build is applied unchanged (scripts from a newer build may also be there).</summary>
    public bool IsCurrent => Pending.Count == 0 && Edited.Count == 0;

    public string Describe() =>
        IsCurrent
            ? "schema is current"
            : string.Join("; ", new[]
            {
                Pending.Count > 0 ? $"{Pending.Count} script(s) not applied: {string.Join(", ", Pending.Select(p => p.Name))}" : null,
                Edited.Count > 0 ? $"applied script(s) edited since: {string.Join(", ", Edited.Select(e => e.Name))}" : null,
            }.Where(s => s is not null));
}

/// <summary>A row of the schema_migrations table.</summary>
public sealed record AppliedMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt);
