using BankLink.Data.Postgres;

namespace BankLink.Server.Database;

/// <summary>Stops the embedded PostgreSQL after everything else has stopped, including on Ctrl+C and SIGTERM.</summary>
internal sealed class EmbeddedPostgresLifetime(EmbeddedPostgresCluster cluster) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => cluster.StopAsync(CancellationToken.None);
}
