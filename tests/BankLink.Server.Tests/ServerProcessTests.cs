using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BankLink.Data.Migrations;
using BankLink.Data.Postgres;
using BankLink.Testing;
using Npgsql;

namespace BankLink.Server.Tests;

/// <summary>
/// The README's run command, for real: the binary with no configuration starts its own PostgreSQL,
/// serves, stops cleanly on Ctrl+C, and finds its data again on the next start.
/// </summary>
public sealed class ServerProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private readonly string _workingDirectory = Path.Combine(Path.GetTempPath(), "banklink-processtest-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly EmptyDatabase _database = new();

    private string DataDirectory => Path.Combine(_workingDirectory, ".banklink", "postgres");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_workingDirectory);
        await _database.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await EmbeddedPostgresCluster.RemoveIfAbandonedAsync(DataDirectory);
        Directory.Delete(_workingDirectory, recursive: true);
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task EmbeddedDefault_StartsServesStopsOnCtrlCAndKeepsItsDataAcrossRestart()
    {
        await using (var first = ServerProcess.Start(_workingDirectory))
        {
            await first.WaitUntilReadyAsync(StartTimeout);
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            var index = await client.GetFromJsonAsync<JsonElement>(new Uri("/", UriKind.Relative));
            var missing = await client.GetAsync(new Uri("/no-such-page", UriKind.Relative));

            Assert.Equal("BankLink", index.GetProperty("name").GetString());
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal(0, await first.SignalAndWaitAsync("INT", StopTimeout));
            Assert.False(File.Exists(Path.Combine(DataDirectory, "data", "postmaster.pid")), "Ctrl+C stops the embedded PostgreSQL");
            AssertJsonLogsWithRequestIds(first.StandardOutput);
        }

        await using var second = ServerProcess.Start(_workingDirectory);
        await second.WaitUntilReadyAsync(StartTimeout);

        await using (var connection = new NpgsqlConnection(ConnectionStringOfRunningCluster()))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM customers", connection);
            Assert.Equal((long)BankLink.DemoBank.DemoCustomers.All.Count, await count.ExecuteScalarAsync());
        }

        Assert.Equal(0, await second.SignalAndWaitAsync("TERM", StopTimeout));
        Assert.False(File.Exists(Path.Combine(DataDirectory, "data", "postmaster.pid")), "SIGTERM stops the embedded PostgreSQL");
    }

    [Fact]
    public async Task ConfiguredDatabase_UsedAndNothingStarted()
    {
        await using var server = ServerProcess.Start(_workingDirectory, new Dictionary<string, string> { ["ConnectionStrings__BankLink"] = _database.ConnectionString });

        await server.WaitUntilReadyAsync(StartTimeout);

        Assert.False(Directory.Exists(Path.Combine(_workingDirectory, ".banklink")));
        Assert.Equal(MigrationScript.Embedded.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM customers")); // the sandbox bank is for the embedded default
        Assert.Equal(0, await server.SignalAndWaitAsync("TERM", StopTimeout));
    }

    [Fact]
    public async Task ConfiguredDatabase_AppliedScriptEdited_ExitsWithSchemaRefusedAndSaysWhy()
    {
        await new Migrator(_database.DataSource).MigrateAsync();
        await _database.ExecuteAsync("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1");

        await using var server = ServerProcess.Start(_workingDirectory, new Dictionary<string, string> { ["ConnectionStrings__BankLink"] = _database.ConnectionString });

        Assert.Equal(Commands.ExitCodes.SchemaRefused, await server.WaitForExitAsync(StartTimeout));
        Assert.Contains("append-only", server.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(_database.ConnectionString).Password!, server.StandardOutput + server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredDatabase_SchemaBehindAndMigrateAtStartupOff_ExitsWithSchemaRefused()
    {
        await using var server = ServerProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["ConnectionStrings__BankLink"] = _database.ConnectionString,
            ["BankLink__Database__MigrateAtStartup"] = "false",
        });

        Assert.Equal(Commands.ExitCodes.SchemaRefused, await server.WaitForExitAsync(StartTimeout));
        Assert.Contains("migrate", server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPostgresBinaries_ExitsSayingWhatToInstall()
    {
        await using var server = ServerProcess.Start(_workingDirectory, null, "--BankLink:EmbeddedDatabase:BinDirectory=/nonexistent/bin");

        Assert.Equal(Commands.ExitCodes.PostgresMissing, await server.WaitForExitAsync(StartTimeout));
        Assert.Contains("apt-get install postgresql", server.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "does not exist")]
    [InlineData(true, "not a PKCS#12 file this password opens")]
    public async Task KeyRingCertificateMissingOrWrongPassword_ExitsWithConfigurationInvalidAndOneClearLine(bool fileExists, string reason)
    {
        var path = Path.Combine(_workingDirectory, "keyring.pfx");
        if (fileExists)
        {
            await KeyRingEncryptionTests.WriteCertificateAsync(path, "the-right-password");
        }

        await using var server = ServerProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["ConnectionStrings__BankLink"] = _database.ConnectionString,
            ["BankLink__DataProtection__CertificatePath"] = path,
            ["BankLink__DataProtection__CertificatePassword"] = "Wrong-Password-42",
        });

        Assert.Equal(Commands.ExitCodes.ConfigurationInvalid, await server.WaitForExitAsync(StartTimeout));
        Assert.Contains(reason, server.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong-Password-42", server.StandardOutput + server.StandardError, StringComparison.Ordinal);
    }

    private string ConnectionStringOfRunningCluster()
    {
        var port = File.ReadAllText(Path.Combine(DataDirectory, "port")).Trim();
        var password = File.ReadAllText(Path.Combine(DataDirectory, "superuser.password")).Trim();
        return $"Host=127.0.0.1;Port={port};Username=banklink;Password={password};Database=banklink;Pooling=false";
    }

    /// <summary>Production logs are one JSON object per line; request lines carry the request id.</summary>
    private static void AssertJsonLogsWithRequestIds(string output)
    {
        var events = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();
        Assert.NotEmpty(events);
        var requestLines = events.Where(e => e.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(requestLines);
        Assert.All(requestLines, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("Properties").GetProperty("RequestId").GetString())));
        Assert.All(events, e => Assert.True(e.TryGetProperty("Level", out _)));
    }
}
