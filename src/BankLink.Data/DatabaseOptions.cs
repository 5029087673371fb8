namespace BankLink.Data;

/// <summary>How BankLink reaches and prepares its database.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "BankLink:Database";

    /// <summary>
    /// Apply pending migration scripts when a node starts. The embedded default and small setups keep
    /// it on; a production deployment runs the 'migrate' command as its own step and turns it off, and
    /// then a node refuses to start on an older schema.
    /// </summary>
    public bool MigrateAtStartup { get; set; } = true;

    /// <summary>Load the documented sandbox bank at start (on by default only with the embedded database).</summary>
    public bool? SeedDemoAtStartup { get; set; }

    /// <summary>How often a transient fault (connection lost, failover, serialization failure) is retried.</summary>
    public int MaxRetryCount { get; set; } = 3;

    /// <summary>Seconds before a command is abandoned.</summary>
    public int CommandTimeoutSeconds { get; set; } = 30;
}
