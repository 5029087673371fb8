using BankLink.Data.Postgres;
using Npgsql;

namespace BankLink.Data.Tests;

/// <summary>The embedded cluster's life: create, start, keep data across restarts, stop cleanly, share.</summary>
public sealed class EmbeddedPostgresClusterTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "banklink-clustertest-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        Assert.True(await EmbeddedPostgresCluster.RemoveIfAbandonedAsync(_directory));
    }

    private EmbeddedPostgresOptions Options() => new() { DataDirectory = _directory, Durable = false };

    [Fact]
    public async Task Start_FirstTime_CreatesClusterOnLoopbackWithPasswordAuth()
    {
        await using var cluster = new EmbeddedPostgresCluster(Options());

        await cluster.StartAsync();

        Assert.True(File.Exists(Path.Combine(cluster.DataDirectory, "PG_VERSION")));
        Assert.True(cluster.OwnsServer);
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var listen = new NpgsqlCommand("SHOW listen_addresses", connection);
        Assert.Equal("127.0.0.1", await listen.ExecuteScalarAsync());
        await using var database = new NpgsqlCommand("SELECT current_database()", connection);
        Assert.Equal("banklink", await database.ExecuteScalarAsync());

        var wrongPassword = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Password = "wrong" }.ConnectionString;
        await using var intruder = new NpgsqlConnection(wrongPassword);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => intruder.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }

    [Fact]
    public async Task Restart_DataKeptAndPortReused()
    {
        int firstPort;
        await using (var first = new EmbeddedPostgresCluster(Options()))
        {
            await first.StartAsync();
            firstPort = first.Port;
            await ExecuteAsync(first.ConnectionString, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
            await first.StopAsync();
        }

        await using var second = new EmbeddedPostgresCluster(Options());
        await second.StartAsync();

        Assert.Equal(firstPort, second.Port);
        Assert.Equal("still here", await ScalarAsync(second.ConnectionString, "SELECT v FROM kept"));
    }

    [Fact]
    public async Task Stop_ServerGoneAndLockReleased()
    {
        var cluster = new EmbeddedPostgresCluster(Options());
        await cluster.StartAsync();

        await cluster.StopAsync();

        Assert.False(File.Exists(Path.Combine(cluster.DataDirectory, "postmaster.pid")));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
        await cluster.StopAsync(); // twice is harmless
    }

    [Fact]
    public async Task Start_SecondProcessInSameFolder_AttachesAndLeavesServerRunning()
    {
        await using var owner = new EmbeddedPostgresCluster(Options());
        await owner.StartAsync();

        var guest = new EmbeddedPostgresCluster(Options());
        await guest.StartAsync();
        await guest.StopAsync();

        Assert.False(guest.OwnsServer);
        Assert.Equal(owner.Port, guest.Port);
        Assert.Equal(1, await ScalarAsync(owner.ConnectionString, "SELECT 1"));
    }

    [Fact]
    public async Task Start_ServerLeftRunningByCrashedOwner_IsAdoptedAndStoppedLater()
    {
        var crashed = new EmbeddedPostgresCluster(Options());
        await crashed.StartAsync();
        ReleaseLockWithoutStopping(crashed);

        await using var next = new EmbeddedPostgresCluster(Options());
        await next.StartAsync();

        Assert.True(next.OwnsServer);
        Assert.Equal(crashed.Port, next.Port);
        await next.StopAsync();
        Assert.False(File.Exists(Path.Combine(next.DataDirectory, "postmaster.pid")));
    }

    [Fact]
    public void Locate_ConfiguredFolderWithoutBinaries_SaysWhatToInstall()
    {
        var error = Assert.Throws<PostgresBinariesNotFoundException>(() => PostgresBinaries.Locate("/nonexistent/pg/bin"));

        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__BankLink", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_Default_FindsInitdbPgCtlAndPostgres()
    {
        var binaries = PostgresBinaries.Locate();

        Assert.True(File.Exists(binaries.InitDb));
        Assert.True(File.Exists(binaries.PgCtl));
        Assert.True(File.Exists(Path.Combine(binaries.Directory, "postgres")));
    }

    /// <summary>What a killed process leaves: the server runs on, the lock file is free.</summary>
    private static void ReleaseLockWithoutStopping(EmbeddedPostgresCluster cluster)
    {
        var field = typeof(EmbeddedPostgresCluster).GetField("_ownerLock", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        ((FileStream?)field.GetValue(cluster))?.Dispose();
        field.SetValue(cluster, null);
        typeof(EmbeddedPostgresCluster).GetField("_serverIsOurs", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.SetValue(cluster, false);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
