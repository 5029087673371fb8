using BankLink.Data;
using BankLink.Data.Keys;
using BankLink.Data.Migrations;
using BankLink.DemoBank;
using Microsoft.Extensions.Options;

namespace BankLink.Server.Database;

/// <summary>
/// Before anything serves: migrates the schema (or, with MigrateAtStartup off, refuses an older schema),
/// then loads the sandbox bank when configured. Runs in the host's Starting phase, before the server listens.
/// </summary>
internal sealed class DatabaseStartup(IServiceProvider services) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await PrepareSchemaAsync(services, cancellationToken);

        // The first start creates the signing keys; later starts find them (and a due successor is made).
        await services.GetRequiredService<SigningKeyRing>().EnsureKeysAsync(cancellationToken);
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.SeedDemoAtStartup == true)
        {
            await services.GetRequiredService<DemoBankSeeder>().SeedAsync(cancellationToken);
        }
    }

    /// <summary>Applies pending scripts, or checks the schema when this node must not migrate.</summary>
    /// <exception cref="MigrationScriptEditedException">Always refused: an applied script was edited.</exception>
    /// <exception cref="SchemaNotCurrentException">The schema is behind and MigrateAtStartup is off.</exception>
    public static async Task PrepareSchemaAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var migrator = services.GetRequiredService<Migrator>();
        if (services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateAtStartup)
        {
            await migrator.MigrateAsync(cancellationToken: cancellationToken);
            return;
        }

        var status = await migrator.CheckAsync(cancellationToken);
        if (status.Edited.Count > 0)
        {
            throw new MigrationScriptEditedException(status.Edited, MigrationScript.Embedded);
        }

        if (!status.IsCurrent)
        {
            throw new SchemaNotCurrentException(status);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
