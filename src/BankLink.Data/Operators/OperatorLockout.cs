using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.Data.Operators;

/// <summary>
/// The one failure counter of an operator: a wrong password or code at login (<see cref="OperatorAuthenticator"/>) and a
/// wrong current password when changing one's own (<see cref="OperatorStore.ChangeOwnPasswordAsync"/>) both count, and
/// <see cref="OperatorSecurityOptions.MaxConsecutiveFailures"/> in a row stop the operator until an admin re-activates them.
/// </summary>
internal static partial class OperatorLockout
{
    /// <summary>
    /// Adds one failure to an active operator, stopping them when it reaches <paramref name="max"/>, in the caller's
    /// transaction. Failures is null when the operator was not active (nothing counted); LoginId is null for an unknown id.
    /// </summary>
    public static async Task<(int? Failures, bool StoppedNow, string? LoginId)> CountFailureAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid operatorId, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One statement: concurrent wrong attempts on several nodes each add one, and exactly one reaches the limit.
        await using (var update = new NpgsqlCommand("""
            UPDATE operators SET
                consecutive_failures = consecutive_failures + 1,
                status = CASE WHEN consecutive_failures + 1 >= $2 THEN 'stopped' ELSE status END,
                status_changed_at = CASE WHEN consecutive_failures + 1 >= $2 THEN $3 ELSE status_changed_at END
            WHERE id = $1 AND status = 'active'
            RETURNING consecutive_failures, status, login_id
            """, connection, transaction))
        {
            update.Parameters.AddWithValue(operatorId);
            update.Parameters.AddWithValue(max);
            update.Parameters.AddWithValue(now);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return (reader.GetInt32(0), reader.GetString(1) == "stopped", reader.GetString(2));
            }
        }

        await using var find = new NpgsqlCommand("SELECT login_id FROM operators WHERE id = $1", connection, transaction);
        find.Parameters.AddWithValue(operatorId);
        return (null, false, await find.ExecuteScalarAsync(cancellationToken) as string);
    }

    /// <summary>The operator_stopped event of the failure that reached the limit (the system stopped them, nobody in person).</summary>
    public static Task AppendStoppedAsync(
        AuditTrail auditTrail, NpgsqlConnection connection, NpgsqlTransaction transaction, Guid operatorId, string? loginId, int? failures, string factor,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            OperatorAuditEvents.OperatorStopped, now, AuditActorKinds.System, null,
            Detail: new JsonObject
            {
                ["operator_id"] = operatorId.ToString(), ["login_id"] = loginId, ["consecutive_failures"] = failures, ["last_factor"] = factor,
            }), cancellationToken);

    /// <summary>Stable event id 6230: a stopped operator is something the bank's security team looks at.</summary>
    [LoggerMessage(EventId = 6230, EventName = "OperatorStopped", Level = LogLevel.Warning,
        Message = "Operator {LoginId} was stopped after {Failures} wrong passwords or codes in a row; an admin must re-activate them")]
    public static partial void LogOperatorStopped(ILogger logger, string loginId, int failures);
}
