using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BankLink.Data.Postgres;

/// <summary>
/// A PostgreSQL cluster that BankLink creates, starts and stops itself: a data folder under the working
/// directory, bound to 127.0.0.1 only, password-protected, kept across restarts.
/// </summary>
/// <remarks>
/// The process that holds <c>owner.lock</c> owns the server and stops it on shutdown. A second BankLink
/// started in the same folder attaches to the running server and leaves it alone when it ends; a
/// server left running by a crashed owner is adopted by the next one.
/// </remarks>
public sealed partial class EmbeddedPostgresCluster : IAsyncDisposable
{
    private const string SuperUser = "banklink";

    private readonly EmbeddedPostgresOptions _options;
    private readonly ILogger _logger;
    private readonly PostgresProcessRunner _runner = PostgresProcessRunner.ForCurrentProcess();
    private FileStream? _ownerLock;
    private bool _serverIsOurs;

    public EmbeddedPostgresCluster(EmbeddedPostgresOptions options, ILogger<EmbeddedPostgresCluster>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        RootDirectory = Path.GetFullPath(options.DataDirectory);
    }

    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    public string LogFile => Path.Combine(RootDirectory, "postgres.log");

    private string PasswordFile => Path.Combine(RootDirectory, "superuser.password");

    private string PortFile => Path.Combine(RootDirectory, "port");

    private string OwnerLockFile => Path.Combine(RootDirectory, "owner.lock");

    /// <summary>Set once started: the loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>True when this process started or adopted the server and will stop it.</summary>
    public bool OwnsServer => _serverIsOurs;

    /// <summary>Set once started: a connection string for the BankLink database.</summary>
    public string ConnectionString => BuildConnectionString(_options.Database);

    /// <summary>Creates the cluster on first use, starts it (or attaches to a running one) and creates the database.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Locate(_options.BinDirectory);
        Directory.CreateDirectory(RootDirectory);
        await EnsureReachableAsync(cancellationToken);
        var isOwner = TryTakeOwnerLock();

        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            if (!isOwner)
            {
                throw new InvalidOperationException($"Another BankLink process is creating the embedded database in {RootDirectory}; start again when it is up.");
            }

            await InitializeClusterAsync(binaries, cancellationToken);
        }

        if (await IsRunningAsync(binaries, cancellationToken))
        {
            Port = ReadRunningPort();
            _serverIsOurs = isOwner;
            if (isOwner)
            {
                LogAdopted(_logger, RootDirectory, Port);
            }
            else
            {
                LogAttached(_logger, RootDirectory, Port);
            }
        }
        else if (!isOwner)
        {
            throw new InvalidOperationException($"Another BankLink process holds {OwnerLockFile} but its PostgreSQL is not running; stop that process or remove the lock if no BankLink runs here.");
        }
        else
        {
            await StartServerAsync(binaries, cancellationToken);
            _serverIsOurs = true;
        }

        await EnsureDatabaseExistsAsync(cancellationToken);
    }

    /// <summary>Stops the server if this process owns it. Safe to call twice, and when the server already stopped.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopAsync("fast", releaseLock: true, cancellationToken);

    /// <summary>Stops the server (immediately: nothing in it is kept) and deletes the whole folder: for throwaway test clusters.</summary>
    public async Task DestroyAsync()
    {
        // The lock is held until the folder is gone, so no other process starts deleting it too.
        await StopAsync("immediate", releaseLock: false, CancellationToken.None);
        try
        {
            if (Directory.Exists(RootDirectory))
            {
                Directory.Delete(RootDirectory, recursive: true);
            }
        }
        finally
        {
            _ownerLock?.Dispose();
            _ownerLock = null;
        }
    }

    /// <summary>
    /// Deletes a cluster folder whose owner process is gone (nobody holds its lock), stopping a server it
    /// left running. Returns false, touching nothing, while a live process owns it.
    /// </summary>
    public static async Task<bool> RemoveIfAbandonedAsync(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return true;
        }

        var cluster = new EmbeddedPostgresCluster(new EmbeddedPostgresOptions { DataDirectory = directory });
        if (!cluster.TryTakeOwnerLock())
        {
            return false;
        }

        cluster._serverIsOurs = File.Exists(Path.Combine(cluster.DataDirectory, "postmaster.pid"));
        await cluster.DestroyAsync();
        return true;
    }

    private async Task StopAsync(string mode, bool releaseLock, CancellationToken cancellationToken)
    {
        if (_serverIsOurs)
        {
            _serverIsOurs = false;
            NpgsqlConnection.ClearAllPools();
            var binaries = PostgresBinaries.Locate(_options.BinDirectory);
            var result = await _runner.RunAsync(binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", mode, "-w", "-t", "60"], cancellationToken);

            // Exit code 1 with "is the server running?" means it already stopped (Ctrl+C reaches it too).
            if (result.ExitCode != 0 && await IsRunningAsync(binaries, cancellationToken))
            {
                result.ThrowIfFailed("pg_ctl stop");
            }

            LogStopped(_logger, RootDirectory);
        }

        if (releaseLock)
        {
            _ownerLock?.Dispose();
            _ownerLock = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>A connection string to any database of this cluster, as its superuser.</summary>
    public string BuildConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = IPAddress.Loopback.ToString(),
        Port = Port,
        Username = SuperUser,
        Password = File.ReadAllText(PasswordFile).Trim(),
        Database = database,
    }.ConnectionString;

    private async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        // Only the folder itself: PostgreSQL writes its log there. The data inside is PostgreSQL's own from
        // initdb on, so walking a database of gigabytes at every start would be wasted work.
        await _runner.GiveOwnershipAsync(RootDirectory, recursive: false, cancellationToken);
        if (!await _runner.CanReachAsync(RootDirectory, cancellationToken))
        {
            throw new StartupConfigurationException(
                $"BankLink runs as root, so its PostgreSQL runs as the '{_runner.RunAsUser}' user, which cannot reach {RootDirectory}. " +
                $"Give every parent folder search permission (chmod o+x), or set {EmbeddedPostgresOptions.SectionName}:DataDirectory to a folder it can reach, such as /var/tmp/banklink.");
        }
    }

    private bool TryTakeOwnerLock()
    {
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix; it dies with the process.
            _ownerLock = new FileStream(OwnerLockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task InitializeClusterAsync(PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        LogCreating(_logger, RootDirectory, binaries.Directory);

        // initdb writes into a side folder that is renamed when complete, so a crash never leaves a half cluster.
        var staging = DataDirectory + ".initializing";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        // The password never appears on a command line (visible in ps) or in a log: initdb reads it from a 0600 file.
        await File.WriteAllTextAsync(PasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)), cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await _runner.GiveOwnershipAsync(PasswordFile, recursive: false, cancellationToken);

        var result = await _runner.RunAsync(binaries.InitDb,
            ["-D", staging, "-U", SuperUser, "--pwfile", PasswordFile, "--auth", "scram-sha-256", "--encoding", "UTF8", "--no-locale", "--no-instructions"],
            cancellationToken);
        result.ThrowIfFailed("initdb");

        var settings = new List<string>
        {
            "",
            "# Written by BankLink: loopback only, no unix socket, enough connections for a few nodes and the tests.",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = ''",
            "max_connections = 300",
            "shared_buffers = 256MB",
            "timezone = 'UTC'",
            "log_timezone = 'UTC'",
        };
        if (!_options.Durable)
        {
            settings.Add("# A throwaway cluster: speed over crash safety.");
            settings.Add("fsync = off");
            settings.Add("synchronous_commit = off");
            settings.Add("full_page_writes = off");
        }

        await File.AppendAllLinesAsync(Path.Combine(staging, "postgresql.conf"), settings, cancellationToken);
        Directory.Move(staging, DataDirectory);
    }

    private async Task<bool> IsRunningAsync(PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        var status = await _runner.RunAsync(binaries.PgCtl, ["status", "-D", DataDirectory], cancellationToken);
        return status.ExitCode == 0;
    }

    private int ReadRunningPort()
    {
        // postmaster.pid: line 4 is the port (PostgreSQL's documented lock-file layout).
        var lines = File.ReadAllLines(Path.Combine(DataDirectory, "postmaster.pid"));
        return int.Parse(lines[3], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task StartServerAsync(PostgresBinaries binaries, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = ChoosePort(attempt);
            var result = await _runner.RunAsync(binaries.PgCtl,
                ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port}"], cancellationToken);
            if (result.ExitCode == 0)
            {
                await File.WriteAllTextAsync(PortFile, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                LogStarted(_logger, RootDirectory, Port);
                return;
            }

            // Another program may take the port between our check and PostgreSQL's bind: try another.
            if (attempt >= 3)
            {
                throw new InvalidOperationException(
                    $"The embedded PostgreSQL did not start (pg_ctl exit code {result.ExitCode}).{Environment.NewLine}{result.Output.Trim()}{Environment.NewLine}Last lines of {LogFile}:{Environment.NewLine}{TailOfLog()}");
            }
        }
    }

    private int ChoosePort(int attempt)
    {
        if (_options.Port != 0)
        {
            return _options.Port;
        }

        // Reusing the last port keeps the address stable for tools pointed at it across restarts.
        if (attempt == 1 && File.Exists(PortFile)
            && int.TryParse(File.ReadAllText(PortFile), out var last) && IsFree(last))
        {
            return last;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string TailOfLog() =>
        File.Exists(LogFile) ? string.Join(Environment.NewLine, File.ReadLines(LogFile).TakeLast(20)) : "(no log)";

    private async Task EnsureDatabaseExistsAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(BuildConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(_options.Database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_options.Database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Two processes attaching at once: the other one created it.
            }
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Creating the embedded PostgreSQL cluster in {Directory} with the binaries in {Binaries}")]
    private static partial void LogCreating(ILogger logger, string directory, string binaries);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Started the embedded PostgreSQL in {Directory} on 127.0.0.1:{Port}")]
    private static partial void LogStarted(ILogger logger, string directory, int port);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Adopted the embedded PostgreSQL left running in {Directory} on port {Port}")]
    private static partial void LogAdopted(ILogger logger, string directory, int port);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Information, Message = "Attached to the embedded PostgreSQL another BankLink process runs in {Directory} on port {Port}")]
    private static partial void LogAttached(ILogger logger, string directory, int port);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Information, Message = "Stopped the embedded PostgreSQL in {Directory}")]
    private static partial void LogStopped(ILogger logger, string directory);
}
