using BankLink.CoreBanking;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Schedule = BankLink.Domain.Time.ServiceHours;

namespace BankLink.Data.Operations.ServiceHours;

/// <summary>The operators' service hours document as this node last read it (version 0: never edited).</summary>
/// <param name="Document">Null: none in force, the configuration applies.</param>
public sealed record StoredServiceHours(long Version, ServiceHoursDocument? Document, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>
/// The service hours in force (<see cref="IServiceHoursSource"/>): the operators' document in the <c>service_hours</c>
/// table when it holds one, else <c>BankLink:ServiceHours</c> (<see cref="ConfiguredServiceHours"/>). Every request reads
/// <see cref="Current"/>, so it is a cached value: the host loads it before the server listens and rereads the row's
/// version every <see cref="RefreshInterval"/>; the node that saved an edit refreshes at once (<see cref="RefreshAsync"/>).
/// Another node applies an edit within that interval: bounded staleness, accepted for planned hours and windows.
/// </summary>
/// <remarks>
/// A read that fails (database away) or a document that cannot be read keeps what is in force, and is logged. Without
/// a host (a command, a test), nothing is loaded until <see cref="RefreshAsync"/> is called.
/// </remarks>
public sealed partial class DatabaseServiceHours(
    NpgsqlDataSource dataSource, ConfiguredServiceHours configured, TimeProvider clock, ILogger<DatabaseServiceHours> logger)
    : IServiceHoursSource, IHostedService, IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private volatile Snapshot? _loaded;
    private Task? _loop;

    /// <summary>Read on every resource request: one volatile read, no lock.</summary>
    public Schedule Current => _loaded?.Schedule ?? configured.Current;

    /// <summary>What this node last read (null before the first read).</summary>
    public StoredServiceHours? Loaded => _loaded?.Stored;

    /// <summary>Reads the row now and applies a newer version; returns what is in force.</summary>
    public async Task<StoredServiceHours> RefreshAsync(CancellationToken cancellationToken)
    {
        var stored = await ReadAsync(dataSource, cancellationToken);
        lock (_gate)
        {
            // Versions only grow: a slower read of an older version never replaces a newer one.
            if (_loaded is { } loaded && loaded.Stored.Version >= stored.Version)
            {
                return loaded.Stored;
            }

            _loaded = new Snapshot(stored, stored.Document?.ToSchedule());
            return stored;
        }
    }

    /// <summary>Reads the row in its current state (the operations read it in their own transactions).</summary>
    internal static async Task<StoredServiceHours> ReadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT version, document, updated_at, updated_by FROM service_hours WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The service_hours row is missing: is migration 0019 applied?");
        }

        return new StoredServiceHours(reader.GetInt64(0), reader.IsDBNull(1) ? null : ServiceHoursDocument.FromJson(reader.GetString(1)),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    /// <summary>Loads the document before the server listens (the schema is migrated in the host's Starting phase), then keeps it fresh.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryRefreshAsync(cancellationToken);
        _loop = RefreshLoopAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host whose start failed (an unusable schema) may be stopped after it was disposed, or before this started.
        if (_loop is null)
        {
            return;
        }

        try
        {
            await _stopping.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RefreshLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TryRefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or FormatException or InvalidOperationException or TimeoutException)
        {
            LogRefreshFailed(logger, e);
        }
    }

    private sealed record Snapshot(StoredServiceHours Stored, Schedule? Schedule);

    [LoggerMessage(EventId = 6941, Level = LogLevel.Warning, Message = "The operators' service hours could not be read; the hours in force stay until the next read")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
