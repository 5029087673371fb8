using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.Data;

/// <summary>
/// Retries idempotent database work on transient faults (lost connection, failover, serialization
/// failure). Only for work that re-checks its own state inside its transaction, so a commit whose answer
/// was lost is detected on the next attempt and never applied twice. EF Core work uses the execution
/// strategy instead (<see cref="DatabaseWork"/>).
/// </summary>
public static partial class TransientFaults
{
    public static async Task<T> RetryIdempotentAsync<T>(
        Func<CancellationToken, Task<T>> work, ILogger logger, CancellationToken cancellationToken, int maxAttempts = 3)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(logger);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work(cancellationToken);
            }
            catch (Exception e) when (IsTransient(e) && attempt < maxAttempts)
            {
                LogRetry(logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
            }
        }
    }

    public static bool IsTransient(Exception exception) =>
        exception is NpgsqlException { IsTransient: true }
        || exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Transient database fault (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason);
}
