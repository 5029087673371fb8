using System.Data.Common;
using Npgsql;

namespace BankLink.Data;

/// <summary>
/// Connection settings BankLink runs best with, applied unless the connection string already sets them.
/// Every request of the token endpoint runs the same handful of statements, so they are prepared once per
/// connection (auto-prepare) instead of parsed and planned every time. Connections are not reset when they go
/// back to the pool: BankLink keeps no session state (no SET, no temporary tables, no LISTEN on pooled
/// connections; advisory locks are released explicitly by <see cref="AdvisoryLock"/>), so a reset would only
/// cost a statement per request.
/// </summary>
public static class ConnectionTuning
{
    public const int MaxAutoPrepare = 64;

    public static string Apply(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(given, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
        }

        if (!Sets(given, "No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    // Npgsql accepts each keyword with or without its spaces, in any case.
    private static bool Sets(DbConnectionStringBuilder given, string keyword) =>
        given.Keys.Cast<string>().Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal), keyword.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
}
