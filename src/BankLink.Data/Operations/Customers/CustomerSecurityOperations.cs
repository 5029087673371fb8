using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Customers;
using BankLink.Domain.Operators;
using BankLink.Domain.Otp;
using Npgsql;

namespace BankLink.Data.Operations.Customers;

/// <summary>What deregistering an OTP token did.</summary>
/// <param name="WasStatus">The token's status before: <c>active</c>, or <c>pending</c> for an unfinished software enrolment.</param>
/// <param name="CustomerCannotLogIn">
/// True when the customer is left with no active token: they cannot log in (the login asks for a one-time
/// password) until a new token is registered for them. The console must say so before and after.
/// </param>
public sealed record OtpDeregistration(string SerialNumber, string WasStatus, bool CustomerCannotLogIn);

/// <summary>
/// An operator's actions on a customer's login security: lifting a stop (利用中止, DOMAIN.md "Only an operator can lift
/// it") and deregistering an OTP token. Both need the operator role and a reason. Each is one transaction with its
/// audit event, and the operator and the reason are in that event.
/// </summary>
public sealed class CustomerSecurityOperations(NpgsqlDataSource dataSource, CustomerLockout lockout, AuditTrail audit, TimeProvider clock)
{
    public const string OtpDeviceDeregistered = "otp_device_deregistered";

    /// <summary>
    /// Lifts the customer's stop: status active, failure counter at zero, and a <c>customer_unlocked</c> event with the
    /// reason. These are the semantics of <see cref="CustomerLockout.UnlockAsync"/> and the same code runs.
    /// A customer who is not stopped is <c>conflict</c>, and nothing is written.
    /// </summary>
    public async Task LiftStopAsync(OperatorActor actor, Guid customerId, string? reason, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Operator, "Lifting a stop");
        var why = OperatorGuard.RequireReason(reason);
        switch (await lockout.UnlockByIdAsync(customerId, why, actor.LoginId, cancellationToken))
        {
            case UnlockOutcome.Unlocked:
                return;
            case UnlockOutcome.NotStopped:
                throw new OperationRefusedException(OperatorGuard.Conflict, "The customer is not stopped.");
            default:
                throw OperatorGuard.Missing("No customer has that id.");
        }
    }

    /// <summary>
    /// Retires one of the customer's tokens (active, or pending enrolment) by its serial number: a lost phone, a stolen
    /// device. Unlike the customer's own removal (<see cref="Otp.OtpDeviceStore.RetireAsync"/>), this is allowed for
    /// the customer's last active token. A token the bank believes compromised must stop working now, even if the
    /// customer then cannot log in until a new token is registered. <see cref="OtpDeregistration.CustomerCannotLogIn"/>
    /// tells the console to warn.
    /// </summary>
    public async Task<OtpDeregistration> DeregisterOtpDeviceAsync(
        OperatorActor actor, Guid customerId, string? serialNumber, string? reason, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Operator, "Deregistering an OTP token");
        var why = OperatorGuard.RequireReason(reason);
        var serial = SerialNumber.Normalize(serialNumber)
            ?? throw new OperationRefusedException(OperatorGuard.InvalidRequest, "A serial number is 10 digits.");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The customer's row first, as the customer's own retirement and the login do, so no two of them interleave.
        await using (var lockCustomer = new NpgsqlCommand("SELECT 1 FROM customers WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            lockCustomer.Parameters.AddWithValue(customerId);
            if (await lockCustomer.ExecuteScalarAsync(cancellationToken) is null)
            {
                throw OperatorGuard.Missing("No customer has that id.");
            }
        }

        Guid deviceId;
        string status;
        long otherActive;
        await using (var find = new NpgsqlCommand("""
            SELECT id, status, (SELECT count(*) FROM otp_devices o WHERE o.customer_id = $1 AND o.status = 'active' AND o.serial_number <> $2)
            FROM otp_devices WHERE customer_id = $1 AND serial_number = $2 AND status IN ('active', 'pending')
            """, connection, transaction))
        {
            find.Parameters.AddWithValue(customerId);
            find.Parameters.AddWithValue(serial);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw OperatorGuard.Missing("The customer has no active or pending token with that serial number.");
            }

            (deviceId, status, otherActive) = (reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2));
        }

        await using (var retire = new NpgsqlCommand(
            "UPDATE otp_devices SET status = 'retired', pending_expires_at = NULL WHERE id = $1", connection, transaction))
        {
            retire.Parameters.AddWithValue(deviceId);
            await retire.ExecuteNonQueryAsync(cancellationToken);
        }

        var cannotLogIn = otherActive == 0;
        await audit.AppendAsync(connection, transaction, new AuditEvent(
            OtpDeviceDeregistered, clock.GetUtcNow(), AuditActorKinds.Operator, actor.LoginId, CustomerId: customerId,
            Detail: new JsonObject { ["reason"] = why, ["serial_number"] = serial, ["was"] = status, ["no_active_token_left"] = cannotLogIn }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OtpDeregistration(serial, status, cannotLogIn);
    }
}
