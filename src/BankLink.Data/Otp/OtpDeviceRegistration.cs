using System.Net;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Customers;
using BankLink.Domain.Otp;
using Npgsql;

namespace BankLink.Data.Otp;

/// <summary>
/// Registers a token for a logged-in customer (DOMAIN.md: "Registering a token requires its serial number,
/// a code currently shown by it, and the customer's confirmation PIN"): confirming a software enrolment, or
/// taking a hardware device from the bank's stock. One attempt with anything wrong (serial, code or PIN)
/// counts one failure on the customer's counter and says only that something was wrong. Replacing a
/// device is registering the new one, then retiring the old one.
/// </summary>
public sealed class OtpDeviceRegistration(
    NpgsqlDataSource dataSource,
    CustomerAuthenticator authenticator,
    ClientAddressThrottle throttle,
    ConsecutiveFailures failures,
    OtpDeviceStore devices,
    AuditTrail auditTrail,
    TimeProvider clock)
{
    /// <summary>
    /// Activates the customer's pending software token when <paramref name="code"/> is what the app shows
    /// now and <paramref name="pin"/> is their confirmation PIN. EnrolmentExpired (not counted as a failure)
    /// when the ten minutes passed: the page starts a new enrolment.
    /// </summary>
    public Task<AuthenticationResult> ConfirmSoftwareEnrolmentAsync(
        Guid customerId, string serialNumber, string? code, string? pin, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        RegisterAsync(customerId, serialNumber, code, pin, clientAddress, hardware: false, cancellationToken);

    /// <summary>Assigns an in-stock hardware token, by the 10-digit serial on its back, to the customer and activates it.</summary>
    public Task<AuthenticationResult> RegisterHardwareDeviceAsync(
        Guid customerId, string? serialNumber, string? code, string? pin, IPAddress? clientAddress, CancellationToken cancellationToken) =>
        RegisterAsync(customerId, serialNumber, code, pin, clientAddress, hardware: true, cancellationToken);

    private async Task<AuthenticationResult> RegisterAsync(
        Guid customerId, string? serialNumber, string? code, string? pin, IPAddress? clientAddress, bool hardware, CancellationToken cancellationToken)
    {
        var address = await throttle.HashAsync(clientAddress, cancellationToken);
        if (await throttle.IsThrottledAsync(address, cancellationToken))
        {
            return AuthenticationResult.Of(AuthenticationOutcome.Throttled);
        }

        var customer = await authenticator.FindByIdAsync(customerId, cancellationToken);
        var pinRight = CustomerAuthenticator.PinMatches(customer, pin);
        if (customer is null || customer.Stopped)
        {
            return AuthenticationResult.Of(await failures.RecordAsync(customer?.Id, AuthenticationFactor.TokenRegistration, address, cancellationToken));
        }

        var now = clock.GetUtcNow();
        var serial = SerialNumber.Normalize(serialNumber);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var device = serial is null ? null : await FindRegistrableAsync(connection, transaction, customerId, serial, hardware, cancellationToken);
            if (device is { ExpiresAt: { } expiresAt } && expiresAt <= now)
            {
                return AuthenticationResult.Of(AuthenticationOutcome.EnrolmentExpired);
            }

            var step = device is null ? null : devices.MatchingStep(device.ProtectedSeed, code, now);
            if (device is not null && step is { } matched && pinRight)
            {
                // The code that registered the token is spent: it cannot also log in (RFC 6238 §5.2).
                await using (var activate = new NpgsqlCommand("""
                    UPDATE otp_devices SET customer_id = $2, status = 'active', registered_at = $3, last_used_step = $4, pending_expires_at = NULL
                    WHERE id = $1
                    """, connection, transaction))
                {
                    activate.Parameters.AddWithValue(device.Id);
                    activate.Parameters.AddWithValue(customerId);
                    activate.Parameters.AddWithValue(now);
                    activate.Parameters.AddWithValue(matched);
                    await activate.ExecuteNonQueryAsync(cancellationToken);
                }

                if (!await ConsecutiveFailures.ResetAsync(connection, transaction, customerId, cancellationToken))
                {
                    return AuthenticationResult.Of(AuthenticationOutcome.Stopped);
                }

                await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
                    "otp_device_registered", now, "customer", customerId.ToString(), CustomerId: customerId,
                    Detail: new JsonObject { ["serial_number"] = serial, ["kind"] = hardware ? "hardware" : "software" }), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new AuthenticationResult(AuthenticationOutcome.Accepted, customer.Identity);
            }
        }

        return AuthenticationResult.Of(await failures.RecordAsync(customerId, AuthenticationFactor.TokenRegistration, address, cancellationToken));
    }

    /// <summary>
    /// The device this customer may register under that serial, locked: a hardware token still in stock
    /// and nobody's, or this customer's own pending software token. Anything else looks like a wrong serial.
    /// </summary>
    private static async Task<RegistrableDevice?> FindRegistrableAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid customerId, string serial, bool hardware, CancellationToken cancellationToken)
    {
        await using var find = new NpgsqlCommand(hardware
            ? "SELECT id, protected_seed, pending_expires_at FROM otp_devices WHERE serial_number = $1 AND kind = 'hardware' AND status = 'in_stock' AND customer_id IS NULL FOR UPDATE"
            : "SELECT id, protected_seed, pending_expires_at FROM otp_devices WHERE serial_number = $1 AND kind = 'software' AND status = 'pending' AND customer_id = $2 FOR UPDATE",
            connection, transaction);
        find.Parameters.AddWithValue(serial);
        find.Parameters.AddWithValue(customerId);
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RegistrableDevice(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    private sealed record RegistrableDevice(Guid Id, string ProtectedSeed, DateTimeOffset? ExpiresAt)
    {
        public override string ToString() => $"RegistrableDevice {{ Id = {Id} }}";
    }
}
