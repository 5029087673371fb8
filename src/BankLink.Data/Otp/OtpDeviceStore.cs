using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Customers;
using BankLink.Data.DataProtection;
using BankLink.Domain.Otp;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Otp;

/// <summary>A customer's OTP token as pages and operators see it: never its seed.</summary>
public sealed record OtpDeviceSummary(
    Guid Id, string SerialNumber, OtpDeviceKind Kind, OtpDeviceStatus Status, DateTimeOffset? RegisteredAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// A software token waiting for its first code. The seed is in <see cref="SecretBase32"/> and
/// <see cref="OtpAuthUri"/> this once, for the enrolment page; BankLink never shows it again.
/// </summary>
public sealed record SoftwareEnrolment(Guid DeviceId, string SerialNumber, string SecretBase32, string OtpAuthUri, DateTimeOffset ExpiresAt)
{
    public string QrCodeSvg() => OtpQrCode.Svg(OtpAuthUri);

    public byte[] QrCodePng() => OtpQrCode.Png(OtpAuthUri);

    /// <summary>Never the seed: records end up in logs and test output.</summary>
    public override string ToString() => $"SoftwareEnrolment {{ SerialNumber = {SerialNumber}, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>What <c>otp-devices import</c> loaded, and the serials it already knew and skipped.</summary>
public sealed record OtpImportResult(int Imported, IReadOnlyList<string> AlreadyKnown);

/// <summary>Why a token could not be retired.</summary>
public enum OtpRetirementOutcome
{
    Retired,

    /// <summary>No active or pending token of this customer has that serial.</summary>
    NotFound,

    /// <summary>A customer keeps at least one active token, or they could not log in again.</summary>
    LastActiveDevice,
}

/// <summary>
/// OTP tokens (トークン) in PostgreSQL: checking a code against a customer's active tokens with replay
/// protection shared by every node, software enrolment, the vendor import, listing and retirement.
/// Seeds are decrypted only in memory to compute codes; they are never logged or returned after enrolment.
/// </summary>
public sealed class OtpDeviceStore(
    NpgsqlDataSource dataSource, OtpSeedProtector seedProtector, AuditTrail auditTrail,
    IOptions<CustomerSecurityOptions> options, TimeProvider clock)
{
    /// <summary>
    /// The active token of the customer that shows <paramref name="code"/> now (±1 step), spending that
    /// time step in the caller's transaction; null for a wrong code or one already used.
    /// </summary>
    public async Task<Guid?> AcceptCodeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid customerId, string? code, CancellationToken cancellationToken)
    {
        var devices = new List<(Guid Id, string ProtectedSeed)>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, protected_seed FROM otp_devices WHERE customer_id = $1 AND status = 'active'", connection, transaction))
        {
            select.Parameters.AddWithValue(customerId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                devices.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        var now = clock.GetUtcNow();
        foreach (var (id, protectedSeed) in devices)
        {
            if (MatchingStep(protectedSeed, code, now) is { } step && await SpendStepAsync(connection, transaction, id, step, cancellationToken))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>
    /// RFC 6238 §5.2: a code is accepted once. The guarded UPDATE is atomic, so when two nodes receive the
    /// same code at once exactly one of them moves <c>last_used_step</c> and the other is refused; a code
    /// from an earlier step than one already used is refused too.
    /// </summary>
    internal static async Task<bool> SpendStepAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid deviceId, long step, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE otp_devices SET last_used_step = $2
            WHERE id = $1 AND (last_used_step IS NULL OR last_used_step < $2)
            """, connection, transaction);
        update.Parameters.AddWithValue(deviceId);
        update.Parameters.AddWithValue(step);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    internal long? MatchingStep(string protectedSeed, string? code, DateTimeOffset now)
    {
        var seed = seedProtector.Unprotect(protectedSeed);
        try
        {
            return Totp.Verify(seed, code, now);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// Starts a software token for a logged-in customer: a fresh 160-bit seed (RFC 4226 §4 R6 recommends
    /// 160 bits) and a unique serial the customer will see in their token list. It stays pending, useless
    /// for login, until <see cref="OtpDeviceRegistration.ConfirmSoftwareEnrolmentAsync"/> sees a current
    /// code and the confirmation PIN within ten minutes. Earlier unconfirmed enrolments are dropped.
    /// </summary>
    public async Task<SoftwareEnrolment> BeginSoftwareEnrolmentAsync(Guid customerId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var expiresAt = now + settings.PendingEnrolmentLifetime;
        var seed = RandomNumberGenerator.GetBytes(20);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            string loginId;
            await using (var find = new NpgsqlCommand("SELECT login_id FROM customers WHERE id = $1", connection))
            {
                find.Parameters.AddWithValue(customerId);
                loginId = await find.ExecuteScalarAsync(cancellationToken) as string
                    ?? throw new InvalidOperationException($"No customer has the id {customerId}.");
            }

            await using (var drop = new NpgsqlCommand("DELETE FROM otp_devices WHERE customer_id = $1 AND status = 'pending'", connection))
            {
                drop.Parameters.AddWithValue(customerId);
                await drop.ExecuteNonQueryAsync(cancellationToken);
            }

            // Serials are unique; a clash with one of 800 million is rare, so try a new one a few times.
            for (var attempt = 1; ; attempt++)
            {
                var id = Guid.CreateVersion7(now);
                var serial = SerialNumber.NewSoftware();
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO otp_devices (id, customer_id, kind, serial_number, protected_seed, status, pending_expires_at, created_at)
                    VALUES ($1, $2, 'software', $3, $4, 'pending', $5, $6)
                    ON CONFLICT (serial_number) DO NOTHING
                    """, connection);
                insert.Parameters.AddWithValue(id);
                insert.Parameters.AddWithValue(customerId);
                insert.Parameters.AddWithValue(serial);
                insert.Parameters.AddWithValue(seedProtector.Protect(seed));
                insert.Parameters.AddWithValue(expiresAt);
                insert.Parameters.AddWithValue(now);
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
                {
                    var uri = OtpAuthUri.Build(settings.OtpIssuer, $"{loginId} {serial}", seed);
                    return new SoftwareEnrolment(id, serial, Base32.Encode(seed), uri, expiresAt);
                }

                if (attempt == 5)
                {
                    throw new InvalidOperationException("Could not find a free software-token serial number.");
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>The customer's tokens, active first, without pending enrolments that expired.</summary>
    public async Task<IReadOnlyList<OtpDeviceSummary>> ListAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, serial_number, kind, status, registered_at, last_used_step FROM otp_devices
            WHERE customer_id = $1 AND (status <> 'pending' OR pending_expires_at > $2)
            ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, registered_at DESC NULLS LAST, serial_number
            """);
        command.Parameters.AddWithValue(customerId);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var devices = new List<OtpDeviceSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(new OtpDeviceSummary(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetString(2) == "hardware" ? OtpDeviceKind.Hardware : OtpDeviceKind.Software,
                reader.GetString(3) switch
                {
                    "active" => OtpDeviceStatus.Active,
                    "pending" => OtpDeviceStatus.Pending,
                    "retired" => OtpDeviceStatus.Retired,
                    _ => OtpDeviceStatus.InStock,
                },
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(5) * (long)Totp.Period.TotalSeconds)));
        }

        return devices;
    }

    /// <summary>
    /// Retires one of the customer's tokens (a lost phone, a dead battery) or drops a pending enrolment.
    /// The customer's row is locked so that two retirements at once cannot leave them with no active token.
    /// </summary>
    public async Task<OtpRetirementOutcome> RetireAsync(Guid customerId, string serialNumber, CancellationToken cancellationToken)
    {
        var serial = SerialNumber.Normalize(serialNumber);
        if (serial is null)
        {
            return OtpRetirementOutcome.NotFound;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCustomer = new NpgsqlCommand("SELECT 1 FROM customers WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            lockCustomer.Parameters.AddWithValue(customerId);
            await lockCustomer.ExecuteScalarAsync(cancellationToken);
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
                return OtpRetirementOutcome.NotFound;
            }

            (deviceId, status, otherActive) = (reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2));
        }

        if (status == "active" && otherActive == 0)
        {
            return OtpRetirementOutcome.LastActiveDevice;
        }

        await using (var retire = new NpgsqlCommand(
            "UPDATE otp_devices SET status = 'retired', pending_expires_at = NULL WHERE id = $1", connection, transaction))
        {
            retire.Parameters.AddWithValue(deviceId);
            await retire.ExecuteNonQueryAsync(cancellationToken);
        }

        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            "otp_device_retired", clock.GetUtcNow(), "customer", customerId.ToString(), CustomerId: customerId,
            Detail: new JsonObject { ["serial_number"] = serial, ["was"] = status }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return OtpRetirementOutcome.Retired;
    }

    /// <summary>
    /// Loads the hardware tokens the bank bought, all or nothing in one transaction. A serial BankLink
    /// already holds is skipped and reported (a file loaded twice changes nothing), never overwritten.
    /// </summary>
    public async Task<OtpImportResult> ImportHardwareDevicesAsync(IReadOnlyList<VendorDevice> devices, string operatorId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var now = clock.GetUtcNow();
        var alreadyKnown = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var device in devices)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO otp_devices (id, customer_id, kind, serial_number, protected_seed, status, created_at)
                VALUES ($1, NULL, 'hardware', $2, $3, 'in_stock', $4)
                ON CONFLICT (serial_number) DO NOTHING
                """, connection, transaction);
            insert.Parameters.AddWithValue(Guid.CreateVersion7(now));
            insert.Parameters.AddWithValue(device.SerialNumber);
            insert.Parameters.AddWithValue(seedProtector.Protect(device.Seed));
            insert.Parameters.AddWithValue(now);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                alreadyKnown.Add(device.SerialNumber);
            }
        }

        var imported = devices.Count - alreadyKnown.Count;
        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            "otp_devices_imported", now, "operator", operatorId,
            Detail: new JsonObject { ["imported"] = imported, ["already_known"] = alreadyKnown.Count }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OtpImportResult(imported, alreadyKnown);
    }
}
