using BankLink.Data.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BankLink.Server.Health;

/// <summary>Ready when PostgreSQL answers within a few seconds and every migration script of this build is applied unchanged.</summary>
internal sealed partial class DatabaseReadyCheck(Migrator migrator, ILogger<DatabaseReadyCheck> logger) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var status = await migrator.CheckAsync(timeout.Token);
            return status.IsCurrent
                ? HealthCheckResult.Healthy("reachable; schema is current")
                : HealthCheckResult.Unhealthy(status.Describe());
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // The probe's answer is public: it says what is wrong, never connection details.
            LogUnreachable(logger, e.GetType().Name, e.Message);
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }

    [LoggerMessage(EventId = 6501, Level = LogLevel.Warning, Message = "Readiness: database unreachable ({ErrorType}: {Reason})")]
    private static partial void LogUnreachable(ILogger logger, string errorType, string reason);
}
