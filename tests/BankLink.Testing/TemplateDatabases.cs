using BankLink.Data;
using BankLink.Data.Migrations;
using BankLink.DemoBank;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BankLink.Testing;

/// <summary>
/// Databases prepared once per test run and cloned for every test class (CREATE DATABASE ... TEMPLATE),
/// which takes a fraction of a second instead of migrating and seeding again.
/// </summary>
public static class TemplateDatabases
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<TemplateKind, Task<string>> Prepared = [];

    public static async Task<string> GetAsync(TemplateKind kind)
    {
        Task<string> task;
        await Gate.WaitAsync();
        try
        {
            if (!Prepared.TryGetValue(kind, out task!))
            {
                task = CreateAsync(kind);
                Prepared[kind] = task;
            }
        }
        finally
        {
            Gate.Release();
        }

        return await task;
    }

    private static async Task<string> CreateAsync(TemplateKind kind)
    {
        var server = await TestPostgres.GetAsync();
        var name = $"bl_tpl_{kind.ToString().ToLowerInvariant()}_{TestPostgres.RunId}";
        await server.ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE); CREATE DATABASE {name}");
        if (kind != TemplateKind.Empty)
        {
            var connectionString = server.ConnectionStringFor(name);
            await using (var dataSource = NpgsqlDataSource.Create(connectionString))
            {
                await new Migrator(dataSource).MigrateAsync();
            }

            if (kind == TemplateKind.DemoBank)
            {
                await using var services = BankLinkServices.Build(connectionString);
                await services.GetRequiredService<DemoBankSeeder>().SeedAsync();
            }

            // A template cannot be cloned while anyone is connected to it.
            NpgsqlConnection.ClearAllPools();
        }

        if (!server.IsThrowaway)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                server.ExecuteAdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)").GetAwaiter().GetResult();
        }

        return name;
    }
}

/// <summary>What a cloned test database starts with.</summary>
public enum TemplateKind
{
    /// <summary>Nothing: not even the migrator's table.</summary>
    Empty,

    /// <summary>Every migration script applied.</summary>
    Schema,

    /// <summary>Migrated, with the documented sandbox bank loaded.</summary>
    DemoBank,
}
