using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Customers;

/// <summary>Which secret a failed attempt got wrong: recorded for operators in the audit trail, never shown to the customer.</summary>
public enum AuthenticationFactor
{
    Password,
    OneTimePassword,
    ConfirmationPin,

    /// <summary>Token registration: the serial, the device's code or the PIN (one attempt, one failure).</summary>
    TokenRegistration,
}

/// <summary>
/// The one consecutive-failure counter shared by passwords, one-time passwords and confirmation PINs
/// (DOMAIN.md: "After a set number of wrong passwords or wrong codes in a row the customer is put in a
/// stopped state"). Counting, stopping and their audit events commit together, so a stop is never lost
/// between nodes and two attempts at once cannot both be "the last one".
/// </summary>
public sealed partial class ConsecutiveFailures(
    NpgsqlDataSource dataSource,
    ClientAddressThrottle throttle,
    AuditTrail auditTrail,
    IOptions<CustomerSecurityOptions> options,
    TimeProvider clock,
    ILogger<ConsecutiveFailures> logger)
{
    /// <summary>
    /// Counts one failed attempt against the client address and, when the login ID is known, the customer:
    /// Wrong, WrongOneAttemptLeft (the page warns), or Stopped (this attempt reached the limit, or the
    /// customer already was).
    /// </summary>
    public async Task<AuthenticationOutcome> RecordAsync(
        Guid? customerId, AuthenticationFactor factor, byte[] addressHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addressHash);
        var max = options.Value.MaxConsecutiveFailures;
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await throttle.RecordFailureAsync(connection, transaction, addressHash, cancellationToken);

        int? failures = null;
        var stoppedNow = false;
        if (customerId is { } id)
        {
            // One statement: concurrent wrong attempts on several nodes each add one, and exactly one of
            // them is the attempt that reaches the limit.
            await using var update = new NpgsqlCommand("""
                UPDATE customers SET
                    consecutive_failures = consecutive_failures + 1,
                    status = CASE WHEN consecutive_failures + 1 >= $2 THEN 'stopped' ELSE status END,
                    stopped_at = CASE WHEN consecutive_failures + 1 >= $2 THEN $3 ELSE stopped_at END
                WHERE id = $1 AND status = 'active'
                RETURNING consecutive_failures, status
                """, connection, transaction);
            update.Parameters.AddWithValue(id);
            update.Parameters.AddWithValue(max);
            update.Parameters.AddWithValue(now);
            await using (var reader = await update.ExecuteReaderAsync(cancellationToken))
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    failures = reader.GetInt32(0);
                    stoppedNow = reader.GetString(1) == "stopped";
                }
            }
        }

        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            "login_failed", now, "customer", customerId?.ToString(), CustomerId: customerId,
            Detail: new JsonObject
            {
                ["factor"] = FactorName(factor),
                ["known_login_id"] = customerId is not null,
                ["consecutive_failures"] = failures,
                ["client_address_hash"] = Convert.ToHexStringLower(addressHash.AsSpan(0, 8)),
            }), cancellationToken);

        if (stoppedNow)
        {
            await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
                "customer_stopped", now, "system", null, CustomerId: customerId,
                Detail: new JsonObject { ["consecutive_failures"] = failures, ["last_factor"] = FactorName(factor) }), cancellationToken);
            await AlertOnBurstAsync(connection, transaction, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return customerId is null ? AuthenticationOutcome.Wrong
            : failures is null || stoppedNow ? AuthenticationOutcome.Stopped
            : failures == max - 1 ? AuthenticationOutcome.WrongOneAttemptLeft
            : AuthenticationOutcome.Wrong;
    }

    /// <summary>
    /// Sets the counter back to zero in the caller's transaction; false when the customer is stopped (a
    /// stop committed by another node between the check and now wins, and the caller must refuse).
    /// </summary>
    public static async Task<bool> ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE customers SET consecutive_failures = 0 WHERE id = $1 AND status = 'active'", connection, transaction);
        command.Parameters.AddWithValue(customerId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Many customers stopped close together means someone is stopping them on purpose (anyone who knows a
    /// login ID can): operators hear of it at the threshold and at every further multiple of it.
    /// </summary>
    private async Task AlertOnBurstAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM customers WHERE status = 'stopped' AND stopped_at > $1", connection, transaction);
        count.Parameters.AddWithValue(now - settings.StopBurstWindow);
        var stopped = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        if (stopped < settings.StopBurstThreshold || stopped % settings.StopBurstThreshold != 0)
        {
            return;
        }

        LogLockoutBurst(logger, stopped, settings.StopBurstWindow);
        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            "lockout_burst", now, "system", null,
            Detail: new JsonObject { ["stopped_customers"] = stopped, ["window_seconds"] = (long)settings.StopBurstWindow.TotalSeconds }), cancellationToken);
    }

    internal static string FactorName(AuthenticationFactor factor) => factor switch
    {
        AuthenticationFactor.Password => "password",
        AuthenticationFactor.OneTimePassword => "otp",
        AuthenticationFactor.ConfirmationPin => "confirmation_pin",
        _ => "token_registration",
    };

    /// <summary>Stable event id 6201: alerting rules match on it.</summary>
    [LoggerMessage(EventId = 6201, EventName = "LockoutBurst", Level = LogLevel.Warning,
        Message = "{Stopped} customers were stopped (利用中止) within {Window}: someone may be stopping customers on purpose; check the audit trail's login_failed events by client address")]
    private static partial void LogLockoutBurst(ILogger logger, long stopped, TimeSpan window);
}
