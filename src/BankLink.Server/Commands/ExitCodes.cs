namespace BankLink.Server.Commands;

/// <summary>What the binary's exit code tells a script or an orchestrator.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;

    /// <summary>The schema cannot be used: an applied script was edited, scripts are out of order, or the schema is behind.</summary>
    public const int SchemaRefused = 2;

    /// <summary>No PostgreSQL server binaries for the embedded database: install them or configure a connection string.</summary>
    public const int PostgresMissing = 3;

    /// <summary>The request was understood and refused (an unknown provider, a token already renewed); the message says why.</summary>
    public const int Refused = 4;

    /// <summary>The audit trail's hash chain does not verify: a row was changed or removed; the message names the chain and row.</summary>
    public const int AuditTrailBroken = 5;

    public const int InvalidArguments = 64;

    /// <summary>A setting or machine fact to fix first (sysexits EX_CONFIG); the message says which.</summary>
    public const int ConfigurationInvalid = 78;
}
