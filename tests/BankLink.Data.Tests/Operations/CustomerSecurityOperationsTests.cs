using BankLink.Data.Operations.Customers;
using BankLink.Domain.Customers;

namespace BankLink.Data.Tests.Operations;

/// <summary>Lifting a stop (利用中止) and deregistering an OTP token, by an operator with a reason.</summary>
public sealed class CustomerSecurityOperationsTests : OperationsTestBase
{
    private CustomerSecurityOperations Security => Get<CustomerSecurityOperations>();

    private Task StopAsync(Guid customerId) => Database.ExecuteAsync(
        "UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = $2 WHERE id = $1", customerId, Clock.GetUtcNow());

    private Task<string> DeviceStatusAsync(string serial) => Database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = $1", serial);

    /// <summary>A second active hardware token for the customer (seed irrelevant: it is never used here).</summary>
    private async Task<string> SecondDeviceAsync(Guid customerId)
    {
        var serial = "8" + Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Database.ExecuteAsync("""
            INSERT INTO otp_devices (id, customer_id, kind, serial_number, protected_seed, status, registered_at, created_at)
            VALUES ($1, $2, 'hardware', $3, 'not-a-seed', 'active', $4, $4)
            """, Guid.NewGuid(), customerId, serial, Clock.GetUtcNow());
        return serial;
    }

    [Fact]
    public async Task LiftStop_Stopped_ActiveWithCounterZero_AuditedWithOperatorAndReason()
    {
        var (sato, _) = await CustomerAsync("sato03");
        await StopAsync(sato);

        await Security.LiftStopAsync(Operator, sato, Reason, CancellationToken.None);

        var state = await Get<BankLink.Data.Customers.CustomerLockout>().FindAsync("sato03", CancellationToken.None);
        Assert.Equal((CustomerStatus.Active, 0, (DateTimeOffset?)null), (state!.Status, state.ConsecutiveFailures, state.StoppedAt));
        var unlocked = Assert.Single(await EventsAsync("customer_unlocked"));
        Assert.Equal(("operator", "operator1", Reason), (unlocked.ActorKind, unlocked.ActorId, ReasonOf(unlocked.Detail)));
    }

    [Fact]
    public async Task LiftStop_NotStopped_Conflict_UnknownCustomer_NotFound_Viewer_Forbidden()
    {
        var (sato, _) = await CustomerAsync("sato03");
        var events = await AuditCountAsync();

        await RefusedAsync("conflict", () => Security.LiftStopAsync(Operator, sato, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Security.LiftStopAsync(Operator, Guid.NewGuid(), Reason, CancellationToken.None));
        await StopAsync(sato);
        await RefusedAsync("forbidden", () => Security.LiftStopAsync(Viewer, sato, Reason, CancellationToken.None));

        Assert.Equal("stopped", await Database.ScalarAsync<string>("SELECT status FROM customers WHERE id = $1", sato));
        Assert.Equal(events, await AuditCountAsync());
    }

    [Theory]
    [MemberData(nameof(BadReasons), MemberType = typeof(OperationsTestBase))]
    public async Task LiftStopAndDeregister_BadReason_InvalidReasonAndNothingChanges(string? reason)
    {
        var (sato, _) = await CustomerAsync("sato03");
        await StopAsync(sato);

        await RefusedAsync("invalid_reason", () => Security.LiftStopAsync(Operator, sato, reason, CancellationToken.None));
        await RefusedAsync("invalid_reason", () => Security.DeregisterOtpDeviceAsync(Operator, sato, "9000000003", reason, CancellationToken.None));

        Assert.Equal("stopped", await Database.ScalarAsync<string>("SELECT status FROM customers WHERE id = $1", sato));
        Assert.Equal("active", await DeviceStatusAsync("9000000003"));
    }

    [Fact]
    public async Task Deregister_TheLastToken_AllowedAndSaysTheCustomerCannotLogIn()
    {
        var (ito, _) = await CustomerAsync("ito06");

        var result = await Security.DeregisterOtpDeviceAsync(Operator, ito, "900000 0006", Reason, CancellationToken.None);

        Assert.Equal(new OtpDeregistration("9000000006", "active", CustomerCannotLogIn: true), result);
        Assert.Equal("retired", await DeviceStatusAsync("9000000006"));
        var deregistered = Assert.Single(await EventsAsync(CustomerSecurityOperations.OtpDeviceDeregistered));
        Assert.Equal(("operator", "operator1", Reason), (deregistered.ActorKind, deregistered.ActorId, ReasonOf(deregistered.Detail)));
        Assert.Contains("\"no_active_token_left\":true", deregistered.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deregister_WithAnotherActiveToken_CustomerCanStillLogIn()
    {
        var (ito, _) = await CustomerAsync("ito06");
        var second = await SecondDeviceAsync(ito);

        var result = await Security.DeregisterOtpDeviceAsync(Operator, ito, "9000000006", Reason, CancellationToken.None);

        Assert.False(result.CustomerCannotLogIn);
        Assert.Equal("active", await DeviceStatusAsync(second));
    }

    [Fact]
    public async Task Deregister_UnknownOrOtherCustomersOrRetiredSerial_NotFound_BadSerial_InvalidRequest_Viewer_Forbidden()
    {
        var (ito, _) = await CustomerAsync("ito06");
        var events = await AuditCountAsync();

        await RefusedAsync("not_found", () => Security.DeregisterOtpDeviceAsync(Operator, ito, "9000000001", Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Security.DeregisterOtpDeviceAsync(Operator, ito, "1234567890", Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Security.DeregisterOtpDeviceAsync(Operator, Guid.NewGuid(), "9000000006", Reason, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Security.DeregisterOtpDeviceAsync(Operator, ito, "12345", Reason, CancellationToken.None));
        await RefusedAsync("forbidden", () => Security.DeregisterOtpDeviceAsync(Viewer, ito, "9000000006", Reason, CancellationToken.None));
        Assert.Equal(events, await AuditCountAsync());

        await Security.DeregisterOtpDeviceAsync(Operator, ito, "9000000006", Reason, CancellationToken.None);
        await RefusedAsync("not_found", () => Security.DeregisterOtpDeviceAsync(Operator, ito, "9000000006", Reason, CancellationToken.None));
        Assert.Equal("active", await DeviceStatusAsync("9000000001"));
    }
}
