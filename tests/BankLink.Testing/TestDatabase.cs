using Xunit;
using Npgsql;

namespace BankLink.Testing;

/// <summary>
/// A fresh database for one test class, cloned from a template; dropped when the class is done.
/// Tests never share rows (STYLE.md 15).
/// </summary>
public abstract class TestDatabase(TemplateKind template) : IAsyncLifetime
{
    private NpgsqlDataSource? _dataSource;

    public string Name { get; } = $"bl_t_{TestPostgres.RunId}_{Guid.NewGuid():N}"[..40];

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is not created yet.");

    public TestPostgres Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestPostgres.GetAsync();
        var source = await TemplateDatabases.GetAsync(template);
        await Server.ExecuteAdminAsync($"CREATE DATABASE {Name} TEMPLATE {source}");
        ConnectionString = Server.ConnectionStringFor(Name);
        _dataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        await Server.ExecuteAdminAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    /// <summary>A fresh, empty database from the same server (for tests that need a second one).</summary>
    public async Task<string> CreateSiblingAsync(TemplateKind kind)
    {
        var name = $"bl_s_{TestPostgres.RunId}_{Guid.NewGuid():N}"[..40];
        await Server.ExecuteAdminAsync($"CREATE DATABASE {name} TEMPLATE {await TemplateDatabases.GetAsync(kind)}");
        return Server.ConnectionStringFor(name);
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A database with nothing in it.</summary>
public sealed class EmptyDatabase() : TestDatabase(TemplateKind.Empty);

/// <summary>A database with every migration applied and no rows.</summary>
public sealed class SchemaDatabase() : TestDatabase(TemplateKind.Schema);

/// <summary>A migrated database holding the documented sandbox bank.</summary>
public sealed class DemoBankDatabase() : TestDatabase(TemplateKind.DemoBank);
