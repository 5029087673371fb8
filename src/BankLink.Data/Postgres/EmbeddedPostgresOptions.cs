namespace BankLink.Data.Postgres;

/// <summary>How BankLink runs its own PostgreSQL when no connection string is configured.</summary>
public sealed class EmbeddedPostgresOptions
{
    public const string SectionName = "BankLink:EmbeddedDatabase";

    /// <summary>Folder for the cluster, its log and its password file; relative to the working directory.</summary>
    public string DataDirectory { get; set; } = Path.Combine(".banklink", "postgres");

    /// <summary>Folder holding initdb, pg_ctl and postgres; found automatically when empty.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>Loopback port; 0 reuses the last port when it is free, otherwise picks a free one.</summary>
    public int Port { get; set; }

    public string Database { get; set; } = "banklink";

    /// <summary>
    /// False only for throwaway test clusters: turns off fsync and full-page writes, which makes a
    /// crash lose data but makes the test suite fast.
    /// </summary>
    public bool Durable { get; set; } = true;
}
