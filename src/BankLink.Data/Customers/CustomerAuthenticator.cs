using System.Net;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Otp;
using BankLink.Domain.Security;
using Npgsql;

namespace BankLink.Data.Customers;

/// <summary>
/// Proves who the customer is (DOMAIN.md "Proving who the customer is"): login ID and password, then a
/// one-time password from one of their active tokens; and the confirmation PIN of a logged-in customer.
/// </summary>
/// <remarks>
/// Every step runs the same checks in the same order:
/// <list type="number">
/// <item>The client address's throttle, before anything else, so a throttled address moves no customer's counter.</item>
/// <item>A stopped customer (利用中止) is answered Stopped whatever was typed, so a stopped account is no oracle for its password.</item>
/// <item>A wrong answer adds one to the customer's one counter for all factors (<see cref="ConsecutiveFailures"/>).</item>
/// </list>
/// The counter goes back to zero only after a complete login (password and one-time password) or a correct
/// PIN: a correct password alone must not reset it, or alternating "right password, wrong code" would
/// guess codes for ever.
/// </remarks>
public sealed class CustomerAuthenticator(
    NpgsqlDataSource dataSource,
    ClientAddressThrottle throttle,
    ConsecutiveFailures failures,
    OtpDeviceStore devices,
    AuditTrail auditTrail,
    TimeProvider clock)
{
    /// <summary>Checked when the login ID is unknown, so that answer takes as long as a wrong password.</summary>
    private static readonly Lazy<string> DecoyHash = new(() => SecretHasher.Hash(Guid.NewGuid().ToString()));

    private const int MaxLoginIdLength = 64;
    private const int MaxSecretLength = 128;

    /// <summary>
    /// Step one of a login. Accepted means "ask for the one-time password" and nothing more: the customer
    /// is not logged in, and the counter is not reset. The page keeps <see cref="AuthenticatedCustomer.Id"/>
    /// for step two in server-protected state only (never a form field the browser could change).
    /// </summary>
    public async Task<AuthenticationResult> CheckPasswordAsync(string? loginId, string? password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var address = await throttle.HashAsync(clientAddress, cancellationToken);
        if (await throttle.IsThrottledAsync(address, cancellationToken))
        {
            return AuthenticationResult.Of(AuthenticationOutcome.Throttled);
        }

        var customer = await FindByLoginIdAsync(loginId, cancellationToken);
        var passwordRight = PasswordMatches(customer, password);
        if (customer is { Stopped: true })
        {
            return AuthenticationResult.Of(await failures.RecordAsync(customer.Id, AuthenticationFactor.Password, address, cancellationToken));
        }

        return passwordRight
            ? new AuthenticationResult(AuthenticationOutcome.Accepted, customer!.Identity)
            : AuthenticationResult.Of(await failures.RecordAsync(customer?.Id, AuthenticationFactor.Password, address, cancellationToken));
    }

    /// <summary>
    /// Step two: a code from one of the customer's active tokens, each code accepted once. Accepted means
    /// logged in: the counter is reset and login_succeeded recorded, in one transaction with spending the code.
    /// </summary>
    public async Task<AuthenticationResult> CheckOneTimePasswordAsync(Guid customerId, string? code, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var address = await throttle.HashAsync(clientAddress, cancellationToken);
        if (await throttle.IsThrottledAsync(address, cancellationToken))
        {
            return AuthenticationResult.Of(AuthenticationOutcome.Throttled);
        }

        var customer = await FindByIdAsync(customerId, cancellationToken);
        return await CompleteLoginAsync(customer, code, address, AuthenticationFactor.OneTimePassword, cancellationToken);
    }

    /// <summary>
    /// Both steps at once, for a page that asks for login ID, password and one-time password on one form:
    /// then not even the order of the answers tells which factor was wrong. One attempt counts once.
    /// </summary>
    public async Task<AuthenticationResult> LogInAsync(
        string? loginId, string? password, string? code, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var address = await throttle.HashAsync(clientAddress, cancellationToken);
        if (await throttle.IsThrottledAsync(address, cancellationToken))
        {
            return AuthenticationResult.Of(AuthenticationOutcome.Throttled);
        }

        var customer = await FindByLoginIdAsync(loginId, cancellationToken);
        if (!PasswordMatches(customer, password) && customer is not { Stopped: true })
        {
            return AuthenticationResult.Of(await failures.RecordAsync(customer?.Id, AuthenticationFactor.Password, address, cancellationToken));
        }

        return await CompleteLoginAsync(customer, code, address, AuthenticationFactor.OneTimePassword, cancellationToken);
    }

    /// <summary>
    /// The confirmation PIN (確認暗証番号) of a logged-in customer, before a sensitive change. A wrong PIN
    /// counts exactly like a wrong password; a right one resets the counter.
    /// </summary>
    public async Task<AuthenticationResult> CheckConfirmationPinAsync(Guid customerId, string? pin, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var address = await throttle.HashAsync(clientAddress, cancellationToken);
        if (await throttle.IsThrottledAsync(address, cancellationToken))
        {
            return AuthenticationResult.Of(AuthenticationOutcome.Throttled);
        }

        var customer = await FindByIdAsync(customerId, cancellationToken);
        var right = PinMatches(customer, pin);
        if (customer is { Stopped: false } && right)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            if (await ConsecutiveFailures.ResetAsync(connection, transaction, customer.Id, cancellationToken))
            {
                await transaction.CommitAsync(cancellationToken);
                return new AuthenticationResult(AuthenticationOutcome.Accepted, customer.Identity);
            }

            return AuthenticationResult.Of(AuthenticationOutcome.Stopped);
        }

        return AuthenticationResult.Of(await failures.RecordAsync(customer?.Id, AuthenticationFactor.ConfirmationPin, address, cancellationToken));
    }

    /// <summary>Whether the PIN is right, without counting: for a step that counts its own failure once (token registration).</summary>
    internal static bool PinMatches(CustomerRecord? customer, string? pin) =>
        SecretHasher.Verify(pin is { Length: > 0 and <= MaxSecretLength } ? pin : "", customer?.ConfirmationPinHash ?? DecoyHash.Value)
        && customer is not null && pin is { Length: > 0 and <= MaxSecretLength };

    private static bool PasswordMatches(CustomerRecord? customer, string? password) =>
        SecretHasher.Verify(password is { Length: > 0 and <= MaxSecretLength } ? password : "", customer?.PasswordHash ?? DecoyHash.Value)
        && customer is not null && password is { Length: > 0 and <= MaxSecretLength };

    private async Task<AuthenticationResult> CompleteLoginAsync(
        CustomerRecord? customer, string? code, byte[] address, AuthenticationFactor factor, CancellationToken cancellationToken)
    {
        if (customer is null || customer.Stopped)
        {
            return AuthenticationResult.Of(await failures.RecordAsync(customer?.Id, factor, address, cancellationToken));
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (await devices.AcceptCodeAsync(connection, transaction, customer.Id, code, cancellationToken) is { } deviceId)
            {
                if (!await ConsecutiveFailures.ResetAsync(connection, transaction, customer.Id, cancellationToken))
                {
                    // Stopped by another node since we read the row: the stop wins and the code stays unspent.
                    return AuthenticationResult.Of(AuthenticationOutcome.Stopped);
                }

                await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
                    "login_succeeded", clock.GetUtcNow(), "customer", customer.Id.ToString(), CustomerId: customer.Id,
                    Detail: new JsonObject { ["otp_device_id"] = deviceId.ToString() }), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new AuthenticationResult(AuthenticationOutcome.Accepted, customer.Identity);
            }
        }

        return AuthenticationResult.Of(await failures.RecordAsync(customer.Id, factor, address, cancellationToken));
    }

    internal async Task<CustomerRecord?> FindByLoginIdAsync(string? loginId, CancellationToken cancellationToken)
    {
        if (loginId is not { Length: > 0 and <= MaxLoginIdLength })
        {
            return null;
        }

        await using var command = dataSource.CreateCommand($"SELECT {CustomerRecord.Columns} FROM customers WHERE login_id = $1");
        command.Parameters.AddWithValue(loginId);
        return await CustomerRecord.ReadOneAsync(command, cancellationToken);
    }

    internal async Task<CustomerRecord?> FindByIdAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {CustomerRecord.Columns} FROM customers WHERE id = $1");
        command.Parameters.AddWithValue(customerId);
        return await CustomerRecord.ReadOneAsync(command, cancellationToken);
    }
}

/// <summary>What the login steps read of a customer.</summary>
internal sealed record CustomerRecord(Guid Id, string CustomerNumber, string LoginId, string PasswordHash, string ConfirmationPinHash, bool Stopped)
{
    public const string Columns = "id, customer_number, login_id, password_hash, confirmation_pin_hash, status";

    public AuthenticatedCustomer Identity => new(Id, CustomerNumber, LoginId);

    public static async Task<CustomerRecord?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new CustomerRecord(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5) == "stopped")
            : null;
    }

    /// <summary>Never the hashes: records end up in logs.</summary>
    public override string ToString() => $"CustomerRecord {{ Id = {Id}, Stopped = {Stopped} }}";
}
