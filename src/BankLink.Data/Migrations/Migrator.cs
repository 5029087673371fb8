using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BankLink.Data.Migrations;

/// <summary>
/// Applies the versioned SQL scripts: one transaction per script, each recorded with its checksum in
/// <c>schema_migrations</c>, under a PostgreSQL advisory lock so that nodes starting together apply
/// each script exactly once.
/// </summary>
public sealed partial class Migrator
{
    /// <summary>The advisory lock key: the ASCII bytes of "BankLink". Only the migrator takes it.</summary>
    public const long AdvisoryLockKey = 0x42616E6B4C696E6B;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<MigrationScript> _scripts;
    private readonly ILogger _logger;

    public Migrator(NpgsqlDataSource dataSource, ILogger<Migrator>? logger = null)
        : this(dataSource, MigrationScript.Embedded, logger)
    {
    }

    /// <summary>For tests: a migrator with its own list of scripts.</summary>
    public Migrator(NpgsqlDataSource dataSource, IReadOnlyList<MigrationScript> scripts, ILogger<Migrator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(scripts);
        _dataSource = dataSource;
        _scripts = [.. scripts.OrderBy(s => s.Version)];
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Applies every pending script and returns the ones this call applied.</summary>
    /// <exception cref="MigrationScriptEditedException">An applied script changed since.</exception>
    /// <exception cref="MigrationOutOfOrderException">A pending script is older than the newest applied one.</exception>
    public async Task<IReadOnlyList<MigrationScript>> MigrateAsync(IProgress<ProgressReport>? progress = null, CancellationToken cancellationToken = default)
    {
        // Safe to repeat: each script and its schema_migrations row commit together, and the next attempt
        // reads schema_migrations again under the lock, so nothing applies twice.
        var applied = new List<MigrationScript>();
        await TransientFaults.RetryIdempotentAsync(
            async ct =>
            {
                await MigrateOnceAsync(applied, progress, ct);
                return applied.Count;
            },
            _logger, cancellationToken);
        return applied;
    }

    /// <summary>Compares the database with this build's scripts without changing anything.</summary>
    public async Task<SchemaStatus> CheckAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var applied = await ReadAppliedAsync(connection, createTable: false, cancellationToken);
        return Compare(applied);
    }

    private async Task MigrateOnceAsync(List<MigrationScript> appliedByThisCall, IProgress<ProgressReport>? progress, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var migrationLock = await AdvisoryLock.AcquireAsync(connection, AdvisoryLockKey, () => LogWaitingForLock(_logger), cancellationToken);
        var applied = await ReadAppliedAsync(connection, createTable: true, cancellationToken);
        var status = Compare(applied);
        if (status.Edited.Count > 0)
        {
            throw new MigrationScriptEditedException(status.Edited, _scripts);
        }

        if (status.Unknown.Count > 0)
        {
            LogNewerDatabase(_logger, string.Join(", ", status.Unknown.Select(u => u.Name)));
        }

        var highest = applied.Count == 0 ? 0 : applied.Max(a => a.Version);
        var outOfOrder = status.Pending.FirstOrDefault(p => p.Version < highest);
        if (outOfOrder is not null)
        {
            throw new MigrationOutOfOrderException(outOfOrder, highest);
        }

        var done = 0;
        foreach (var script in status.Pending)
        {
            progress?.Report(new ProgressReport("Applying " + script.Name, done, status.Pending.Count, "scripts"));
            await ApplyAsync(connection, script, cancellationToken);
            appliedByThisCall.Add(script);
            done++;
        }

        progress?.Report(new ProgressReport("Schema is current", done, status.Pending.Count, "scripts"));
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        LogApplying(_logger, script.Name);
        var stopwatch = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // A big table may take long to change: no command timeout inside a migration.
        await using (var command = new NpgsqlCommand(script.Sql, connection, transaction) { CommandTimeout = 0 })
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at, execution_ms) VALUES ($1, $2, $3, now(), $4)",
            connection, transaction))
        {
            record.Parameters.AddWithValue(script.Version);
            record.Parameters.AddWithValue(script.Name);
            record.Parameters.AddWithValue(script.Checksum);
            record.Parameters.AddWithValue((int)stopwatch.ElapsedMilliseconds);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogApplied(_logger, script.Name, stopwatch.ElapsedMilliseconds);
    }

    private static async Task<List<AppliedMigration>> ReadAppliedAsync(NpgsqlConnection connection, bool createTable, CancellationToken cancellationToken)
    {
        if (createTable)
        {
            await using var create = new NpgsqlCommand("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version      integer      PRIMARY KEY,
                    name         varchar(200) NOT NULL,
                    checksum     char(64)     NOT NULL,
                    applied_at   timestamptz  NOT NULL,
                    execution_ms integer      NOT NULL
                )
                """, connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return [];
            }
        }

        await using var select = new NpgsqlCommand("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version", connection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var applied = new List<AppliedMigration>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(new AppliedMigration(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return applied;
    }

    private SchemaStatus Compare(List<AppliedMigration> applied)
    {
        var byVersion = applied.ToDictionary(a => a.Version);
        var pending = _scripts.Where(s => !byVersion.ContainsKey(s.Version)).ToList();
        var edited = _scripts
            .Where(s => byVersion.TryGetValue(s.Version, out var a) && !string.Equals(a.Checksum, s.Checksum, StringComparison.Ordinal))
            .Select(s => byVersion[s.Version])
            .ToList();
        var known = _scripts.Select(s => s.Version).ToHashSet();
        var unknown = applied.Where(a => !known.Contains(a.Version)).ToList();
        return new SchemaStatus(pending, edited, unknown);
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Applying migration {Script}")]
    private static partial void LogApplying(ILogger logger, string script);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Applied migration {Script} in {ElapsedMs} ms")]
    private static partial void LogApplied(ILogger logger, string script, long elapsedMs);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Another node is migrating the database; waiting for it to finish")]
    private static partial void LogWaitingForLock(ILogger logger);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "The database has migrations this build does not know ({Scripts}); a newer BankLink migrated it")]
    private static partial void LogNewerDatabase(ILogger logger, string scripts);
}
