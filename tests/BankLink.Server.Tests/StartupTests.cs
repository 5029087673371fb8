using System.Net;
using BankLink.Data.Migrations;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>What a node does with the schema it finds when it starts.</summary>
public sealed class StartupTests : IAsyncLifetime
{
    private readonly EmptyDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Start_EmptyDatabase_MigratesThenServesReady()
    {
        await using var app = new BankLinkApp(_database.ConnectionString);

        var response = await app.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MigrationScript.Embedded.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM customers"));
    }

    [Fact]
    public async Task Start_SeedDemoAtStartup_LoadsTheSandboxBank()
    {
        await using var app = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?> { ["BankLink:Database:SeedDemoAtStartup"] = "true" });

        await app.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(BankLink.DemoBank.DemoCustomers.All.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM customers"));
    }

    [Fact]
    public async Task Start_SchemaBehindAndMigrateAtStartupOff_RefusesToStart()
    {
        await using var app = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?> { ["BankLink:Database:MigrateAtStartup"] = "false" });

        AssertRefusedToStart<SchemaNotCurrentException>(app, "Run the 'migrate' command first");
        Assert.False(await _database.ScalarAsync<bool>("SELECT to_regclass('schema_migrations') IS NOT NULL"));
    }

    [Fact]
    public async Task Start_AppliedScriptEdited_RefusesToStart()
    {
        await using (var first = new BankLinkApp(_database.ConnectionString))
        {
            first.CreateClient();
        }

        await _database.ExecuteAsync("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1");
        await using var second = new BankLinkApp(_database.ConnectionString);

        AssertRefusedToStart<MigrationScriptEditedException>(second, "0001_initial");
    }

    [Fact]
    public async Task Start_AppliedScriptEditedAndMigrateAtStartupOff_StillRefuses()
    {
        await using (var first = new BankLinkApp(_database.ConnectionString))
        {
            first.CreateClient();
        }

        await _database.ExecuteAsync("UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = 1");
        await using var second = new BankLinkApp(_database.ConnectionString, new Dictionary<string, string?> { ["BankLink:Database:MigrateAtStartup"] = "false" });

        AssertRefusedToStart<MigrationScriptEditedException>(second, "append-only");
    }

    /// <summary>
    /// The host did not start, for the expected reason. (WebApplicationFactory reports a failed start as a
    /// disposed host; the reason is in the host's failure log. The process tests check the exit code.)
    /// </summary>
    private static void AssertRefusedToStart<TReason>(BankLinkApp app, string messagePart)
    {
        Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains(app.Logs.Entries, e => e.Contains(typeof(TReason).FullName!, StringComparison.Ordinal) && e.Contains(messagePart, StringComparison.Ordinal));
    }
}
