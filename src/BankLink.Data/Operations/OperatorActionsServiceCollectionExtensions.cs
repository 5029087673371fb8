using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BankLink.Data.Operations;

/// <summary>
/// Registers <see cref="OperatorActions"/> (the one entry point for mutating operator actions, with four-eyes), the
/// provider-side executor, and the minute's sweep that marks four-eyes requests past their 24 hours as expired
/// (run only by a host: the server, not commands or data tests).
/// </summary>
public static class OperatorActionsServiceCollectionExtensions
{
    public static IServiceCollection AddBankLinkOperatorActions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<ProviderActionExecutor>();
        services.AddSingleton<OperatorActions>();
        services.AddHostedService<FourEyesExpirySweep>();
        return services;
    }
}

/// <summary>
/// Every minute, marks the four-eyes requests nobody decided within <see cref="FourEyesQueue.RequestLifetime"/> as
/// expired, each with its <c>four_eyes_expired</c> event. Deciding an expired request is refused anyway; the sweep makes
/// the trail say so without waiting for someone to try. Every node runs it: the queue's update is idempotent per row.
/// </summary>
internal sealed partial class FourEyesExpirySweep(FourEyesQueue queue, TimeProvider clock, ILogger<FourEyesExpirySweep> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>As many requests as <see cref="FourEyesQueue.ExpireDueAsync"/> expires per call (its LIMIT).</summary>
    private const int QueueBatch = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                // The queue expires at most a batch per call; a backlog (nodes down for a day) is worked off at once.
                int expired;
                do
                {
                    expired = await queue.ExpireDueAsync(stoppingToken);
                    if (expired > 0)
                    {
                        LogExpired(expired);
                    }
                }
                while (expired >= QueueBatch);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be away for a moment: the next minute tries again.
                LogFailed(e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 6245, EventName = "FourEyesExpired", Level = LogLevel.Information, Message = "Four-eyes requests expired: {Count}.")]
    private partial void LogExpired(int count);

    [LoggerMessage(EventId = 6246, EventName = "FourEyesExpiryFailed", Level = LogLevel.Warning, Message = "Expiring four-eyes requests failed; retrying in a minute.")]
    private partial void LogFailed(Exception exception);
}
