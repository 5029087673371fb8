namespace BankLink.Data.Migrations;

/// <summary>An applied script was edited: scripts are append-only, so BankLink refuses to start.</summary>
public sealed class MigrationScriptEditedException(IReadOnlyList<AppliedMigration> edited, IReadOnlyList<MigrationScript> current) : Exception(
    "The database was migrated with script(s) that have since been edited: " +
    string.Join(", ", edited.Select(e =>
        $"{e.Name} (applied {e.AppliedAt:yyyy-MM-dd HH:mm}Z with checksum {e.Checksum[..12]}, now {current.First(c => c.Version == e.Version).Checksum[..12]})")) +
    ". Migration scripts are append-only: restore the original script and put the change in a new script with the next number.");

/// <summary>A script with a lower version than one already applied appeared: the order of the schema's history would change.</summary>
public sealed class MigrationOutOfOrderException(MigrationScript script, int highestApplied) : Exception(
    $"Migration script {script.Name} is not applied, but the database already has version {highestApplied}. " +
    "Scripts are applied in version order: renumber it after the newest script.");

/// <summary>The schema is behind this build and this node was told not to migrate it.</summary>
public sealed class SchemaNotCurrentException(SchemaStatus status) : Exception(
    $"The database schema is older than this build expects ({status.Describe()}). Run the 'migrate' command first " +
    "(in Kubernetes, the migration Job), or set BankLink:Database:MigrateAtStartup=true.");
