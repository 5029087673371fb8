using BankLink.Data.Postgres;
using Npgsql;

namespace BankLink.Testing;

/// <summary>
/// The PostgreSQL server a test run uses: the one named by <c>BANKLINK_TEST_DATABASE</c> (a connection
/// string whose user may create databases), or else a throwaway cluster started from the local binaries
/// for this test process and removed when it exits.
/// </summary>
public sealed class TestPostgres
{
    public const string EnvironmentVariable = "BANKLINK_TEST_DATABASE";

    private static readonly Lazy<Task<TestPostgres>> Shared = new(StartAsync);

    private readonly EmbeddedPostgresCluster? _cluster;
    private readonly NpgsqlConnectionStringBuilder _server;

    private TestPostgres(NpgsqlConnectionStringBuilder server, EmbeddedPostgresCluster? cluster)
    {
        _server = server;
        _cluster = cluster;
    }

    /// <summary>Names made unique per test process, so parallel test assemblies can share one external server.</summary>
    public static string RunId { get; } = Guid.NewGuid().ToString("N")[..8];

    public static Task<TestPostgres> GetAsync() => Shared.Value;

    /// <summary>A connection string to <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = database }.ConnectionString;

    /// <summary>Runs SQL against the server's maintenance database (for CREATE/DROP DATABASE).</summary>
    public async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor(_server.Database ?? "postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 120 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<TestPostgres> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var server = new NpgsqlConnectionStringBuilder(configured);
            server.Database ??= "postgres";
            return new TestPostgres(server, null);
        }

        await SweepAbandonedClustersAsync();

        // /tmp, not the checkout: when tests run as root, PostgreSQL runs as another user that must reach it.
        var directory = Path.Combine(Path.GetTempPath(), "banklink-tests-" + RunId);
        var cluster = new EmbeddedPostgresCluster(new EmbeddedPostgresOptions { DataDirectory = directory, Database = "postgres", Durable = false });
        await cluster.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DestroyAsync().GetAwaiter().GetResult();
        return new TestPostgres(new NpgsqlConnectionStringBuilder(cluster.ConnectionString), cluster);
    }

    /// <summary>
    /// A test host may be killed before its exit handler removes its cluster: remove what dead runs left.
    /// Best effort, and only folders a few minutes old, so a cluster another test process is creating
    /// right now (folder made, lock not yet taken) is never touched.
    /// </summary>
    private static async Task SweepAbandonedClustersAsync()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "banklink-tests-*"))
        {
            try
            {
                if (Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddMinutes(-5))
                {
                    await EmbeddedPostgresCluster.RemoveIfAbandonedAsync(stale);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Another process is removing it, or it is not ours to remove: leave it.
            }
        }
    }

    /// <summary>True when this run started its own cluster (it may be stopped and started by tests that own it).</summary>
    public bool IsThrowaway => _cluster is not null;
}
