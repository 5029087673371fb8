using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Otp;
using BankLink.Domain.Customers;
using Npgsql;

namespace BankLink.Data.Customers;

/// <summary>A customer's login security as an operator sees it: never a secret or a hash.</summary>
public sealed record CustomerSecurityState(
    Guid Id, string LoginId, string CustomerNumber, CustomerStatus Status, int ConsecutiveFailures, DateTimeOffset? StoppedAt,
    IReadOnlyList<OtpDeviceSummary> Devices);

/// <summary>What lifting a stop did.</summary>
public enum UnlockOutcome
{
    Unlocked,
    UnknownLoginId,

    /// <summary>The customer was not stopped; nothing changed.</summary>
    NotStopped,
}

/// <summary>
/// The operator's side of 利用中止: only an operator lifts a stop (DOMAIN.md), with a reason that goes into
/// the audit trail with the change. The command line uses it now, the operator console later.
/// </summary>
public sealed class CustomerLockout(NpgsqlDataSource dataSource, OtpDeviceStore devices, AuditTrail auditTrail, TimeProvider clock)
{
    public async Task<UnlockOutcome> UnlockAsync(string loginId, string reason, string operatorId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(loginId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(operatorId);
        return await UnlockWhereAsync("login_id = $1", loginId.Trim(), reason, operatorId, cancellationToken);
    }

    /// <summary>The same as <see cref="UnlockAsync"/> for the customer with that id (the operator console knows the id).</summary>
    internal async Task<UnlockOutcome> UnlockByIdAsync(Guid customerId, string reason, string operatorId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(operatorId);
        return await UnlockWhereAsync("id = $1", customerId, reason, operatorId, cancellationToken);
    }

    private async Task<UnlockOutcome> UnlockWhereAsync(string condition, object key, string reason, string operatorId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Guid id;
        string status;
        int failures;
        await using (var find = new NpgsqlCommand(
            $"SELECT id, status, consecutive_failures FROM customers WHERE {condition} FOR UPDATE", connection, transaction))
        {
            find.Parameters.AddWithValue(key);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return UnlockOutcome.UnknownLoginId;
            }

            (id, status, failures) = (reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2));
        }

        if (status != "stopped")
        {
            return UnlockOutcome.NotStopped;
        }

        // The counter starts again from zero: a lifted customer gets the full number of attempts.
        await using (var unlock = new NpgsqlCommand(
            "UPDATE customers SET status = 'active', consecutive_failures = 0, stopped_at = NULL WHERE id = $1", connection, transaction))
        {
            unlock.Parameters.AddWithValue(id);
            await unlock.ExecuteNonQueryAsync(cancellationToken);
        }

        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            "customer_unlocked", clock.GetUtcNow(), "operator", operatorId, CustomerId: id,
            Detail: new JsonObject { ["reason"] = reason.Trim(), ["consecutive_failures"] = failures }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return UnlockOutcome.Unlocked;
    }

    public async Task<CustomerSecurityState?> FindAsync(string loginId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loginId);
        await using var command = dataSource.CreateCommand(
            "SELECT id, login_id, customer_number, status, consecutive_failures, stopped_at FROM customers WHERE login_id = $1");
        command.Parameters.AddWithValue(loginId.Trim());
        Guid id;
        string login, number;
        CustomerStatus status;
        int failures;
        DateTimeOffset? stoppedAt;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (id, login, number) = (reader.GetGuid(0), reader.GetString(1), reader.GetString(2));
            status = reader.GetString(3) == "stopped" ? CustomerStatus.Stopped : CustomerStatus.Active;
            failures = reader.GetInt32(4);
            stoppedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5);
        }

        return new CustomerSecurityState(id, login, number, status, failures, stoppedAt, await devices.ListAsync(id, cancellationToken));
    }
}
