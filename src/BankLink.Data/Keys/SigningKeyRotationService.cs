using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BankLink.Data.Keys;

/// <summary>Rotates the signing keys on schedule: every node checks now and then; the advisory lock lets one act.</summary>
public sealed partial class SigningKeyRotationService(SigningKeyRing keys, TimeProvider clock, IOptions<SigningKeyOptions> options, ILogger<SigningKeyRotationService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await keys.EnsureKeysAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next tick tries again; current keys keep signing meanwhile.
                LogRotationFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 6702, Level = LogLevel.Error, Message = "Scheduled signing key rotation failed; retrying at the next check")]
    private static partial void LogRotationFailed(ILogger logger, Exception exception);
}
