using BankLink.Data.Migrations;
using BankLink.Testing;
using Npgsql;

namespace BankLink.Data.Tests;

/// <summary>The migrator against real PostgreSQL: each test gets an empty database of its own.</summary>
public sealed class MigratorTests : IAsyncLifetime
{
    private readonly EmptyDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private static MigrationScript Script(int version, string sql, string description = "test") => new(version, description, sql);

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryEmbeddedScriptAndIsCurrent()
    {
        var migrator = new Migrator(_database.DataSource);

        var applied = await migrator.MigrateAsync();

        Assert.Equal(MigrationScript.Embedded.Select(s => s.Version), applied.Select(a => a.Version));
        Assert.True((await migrator.CheckAsync()).IsCurrent);
        Assert.Equal(MigrationScript.Embedded.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.True(await _database.ScalarAsync<bool>("SELECT to_regclass('ledger.transactions') IS NOT NULL"));
    }

    [Fact]
    public async Task Migrate_RunTwice_SecondRunAppliesNothing()
    {
        var migrator = new Migrator(_database.DataSource);
        await migrator.MigrateAsync();

        var second = await migrator.MigrateAsync();

        Assert.Empty(second);
        Assert.Equal(MigrationScript.Embedded.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_RecordsChecksumAndName()
    {
        var script = Script(1, "CREATE TABLE t (id int)");

        await new Migrator(_database.DataSource, [script]).MigrateAsync();

        Assert.Equal(script.Checksum, await _database.ScalarAsync<string>("SELECT checksum FROM schema_migrations WHERE version = 1"));
        Assert.Equal("0001_test", await _database.ScalarAsync<string>("SELECT name FROM schema_migrations WHERE version = 1"));
    }

    [Fact]
    public async Task Migrate_TwoMigratorsAtOnce_EachScriptAppliedOnce()
    {
        // Every application of script 2 leaves a row in 'applications'; the sleep widens the race window.
        await _database.ExecuteAsync("CREATE TABLE applications (version int)");
        IReadOnlyList<MigrationScript> scripts =
        [
            Script(1, "SELECT pg_sleep(0.5); INSERT INTO applications VALUES (1); CREATE TABLE one (id int)"),
            Script(2, "SELECT pg_sleep(0.5); INSERT INTO applications VALUES (2); CREATE TABLE two (id int)"),
        ];
        await using var otherSource = NpgsqlDataSource.Create(_database.ConnectionString);

        var results = await Task.WhenAll(
            Task.Run(() => new Migrator(_database.DataSource, scripts).MigrateAsync()),
            Task.Run(() => new Migrator(otherSource, scripts).MigrateAsync()));

        Assert.Equal(2, results.Sum(r => r.Count));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM applications WHERE version = 1"));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM applications WHERE version = 2"));
    }

    [Fact]
    public async Task Migrate_AppliedScriptEdited_RefusesAndChangesNothing()
    {
        await new Migrator(_database.DataSource, [Script(1, "CREATE TABLE t (id int)")]).MigrateAsync();
        var edited = new Migrator(_database.DataSource, [Script(1, "CREATE TABLE t (id bigint)"), Script(2, "CREATE TABLE u (id int)")]);

        var error = await Assert.ThrowsAsync<MigrationScriptEditedException>(() => edited.MigrateAsync());

        Assert.Contains("0001_test", error.Message, StringComparison.Ordinal);
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        Assert.False(await _database.ScalarAsync<bool>("SELECT to_regclass('u') IS NOT NULL"));
        var status = await edited.CheckAsync();
        Assert.False(status.IsCurrent);
        Assert.Single(status.Edited);
    }

    [Fact]
    public async Task Migrate_LineEndingsOnlyChanged_IsNotAnEdit()
    {
        await new Migrator(_database.DataSource, [Script(1, "CREATE TABLE t (id int);\nCREATE TABLE u (id int);")]).MigrateAsync();

        var status = await new Migrator(_database.DataSource, [Script(1, "CREATE TABLE t (id int);\r\nCREATE TABLE u (id int);")]).CheckAsync();

        Assert.True(status.IsCurrent);
    }

    [Fact]
    public async Task Migrate_PendingScriptOlderThanApplied_RefusesOutOfOrder()
    {
        await new Migrator(_database.DataSource, [Script(1, "SELECT 1"), Script(3, "SELECT 3")]).MigrateAsync();

        var error = await Assert.ThrowsAsync<MigrationOutOfOrderException>(() =>
            new Migrator(_database.DataSource, [Script(1, "SELECT 1"), Script(2, "SELECT 2"), Script(3, "SELECT 3")]).MigrateAsync());

        Assert.Contains("0002_test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_ScriptFails_ItsChangesAndRecordRollBackTogether()
    {
        var scripts = new[] { Script(1, "CREATE TABLE good (id int)"), Script(2, "CREATE TABLE half (id int); SELECT * FROM no_such_table") };

        await Assert.ThrowsAsync<PostgresException>(() => new Migrator(_database.DataSource, scripts).MigrateAsync());

        Assert.True(await _database.ScalarAsync<bool>("SELECT to_regclass('good') IS NOT NULL"));
        Assert.False(await _database.ScalarAsync<bool>("SELECT to_regclass('half') IS NOT NULL"));
        Assert.Equal(1, await _database.ScalarAsync<int>("SELECT max(version) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_ConnectionLostMidScript_RetriesAndAppliesOnce()
    {
        // A sequence is not transactional: the first attempt kills its own connection, the retry goes through.
        await _database.ExecuteAsync("CREATE SEQUENCE attempts; CREATE TABLE applications (n int)");
        var script = Script(1, "INSERT INTO applications VALUES (1); SELECT CASE WHEN nextval('attempts') = 1 THEN pg_terminate_backend(pg_backend_pid()) END");

        var applied = await new Migrator(_database.DataSource, [script]).MigrateAsync();

        Assert.Single(applied);
        Assert.Equal(2, await _database.ScalarAsync<long>("SELECT last_value FROM attempts"));
        Assert.Equal(1, await _database.ScalarAsync<long>("SELECT count(*) FROM applications"));
    }

    [Fact]
    public async Task Check_DatabaseMigratedByNewerBuild_IsStillCurrent()
    {
        await new Migrator(_database.DataSource, [Script(1, "SELECT 1"), Script(2, "SELECT 2")]).MigrateAsync();

        var status = await new Migrator(_database.DataSource, [Script(1, "SELECT 1")]).CheckAsync();

        Assert.True(status.IsCurrent);
        Assert.Single(status.Unknown);
    }

    [Fact]
    public async Task Check_EmptyDatabase_ListsEveryScriptAsPendingWithoutCreatingAnything()
    {
        var status = await new Migrator(_database.DataSource).CheckAsync();

        Assert.Equal(MigrationScript.Embedded.Count, status.Pending.Count);
        Assert.False(await _database.ScalarAsync<bool>("SELECT to_regclass('schema_migrations') IS NOT NULL"));
    }
}
