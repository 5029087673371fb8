using System.Net;
using BankLink.Data.Customers;
using BankLink.Data.Otp;
using BankLink.DemoBank;
using BankLink.Domain.Otp;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>
/// Login with password and one-time password, the one failure counter, 利用中止 and its defences, and token
/// registration, on real PostgreSQL with the sandbox customers (README "Sandbox logins").
/// </summary>
public sealed class OtpLockoutTests : ServicesOverDatabase<DemoBankDatabase>
{
    private static readonly DemoCustomer Tanaka = DemoCustomers.All.Single(c => c.LoginId == "tanaka01");
    private static readonly DemoCustomer Suzuki = DemoCustomers.All.Single(c => c.LoginId == "suzuki02");
    private static readonly IPAddress Home = IPAddress.Parse("203.0.113.10");
    private static readonly CancellationToken None = CancellationToken.None;

    private CustomerAuthenticator Authenticator => Services.GetRequiredService<CustomerAuthenticator>();

    private string CodeNow(string secretBase32, int stepOffset = 0) =>
        Totp.Compute(Base32.Decode(secretBase32), Totp.TimeStepAt(Clock.GetUtcNow()) + stepOffset);

    /// <summary>A code no step of the drift window shows, so "wrong" is never right by chance.</summary>
    private string WrongCode(string secretBase32)
    {
        var window = Enumerable.Range(-1, 3).Select(offset => CodeNow(secretBase32, offset)).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => $"{i}{i}{i}{i}{i}{i}").First(c => !window.Contains(c));
    }

    private async Task<Guid> CustomerIdAsync(DemoCustomer customer) =>
        await Database.ScalarAsync<Guid>("SELECT id FROM customers WHERE login_id = $1", customer.LoginId);

    private Task<int> FailuresAsync(DemoCustomer customer) =>
        Database.ScalarAsync<int>("SELECT consecutive_failures FROM customers WHERE login_id = $1", customer.LoginId);

    private Task<string> StatusAsync(DemoCustomer customer) =>
        Database.ScalarAsync<string>("SELECT status FROM customers WHERE login_id = $1", customer.LoginId);

    private Task<long> AuditCountAsync(string eventType, Guid? customerId = null) => Database.ScalarAsync<long>(
        "SELECT count(*) FROM audit_events WHERE event_type = $1 AND ($2::uuid IS NULL OR customer_id = $2)",
        eventType, (object?)customerId ?? DBNull.Value);

    [Fact]
    public async Task Login_PasswordThenCode_AcceptedAndAudited()
    {
        var step1 = await Authenticator.CheckPasswordAsync(Tanaka.LoginId, Tanaka.Password, Home, None);
        Assert.Equal(AuthenticationOutcome.Accepted, step1.Outcome);

        var step2 = await Authenticator.CheckOneTimePasswordAsync(step1.Customer!.Id, CodeNow(Tanaka.OtpSecretBase32), Home, None);

        Assert.Equal(AuthenticationOutcome.Accepted, step2.Outcome);
        Assert.Equal(Tanaka.CustomerNumber, step2.Customer!.CustomerNumber);
        Assert.Equal(1, await AuditCountAsync("login_succeeded", step2.Customer.Id));
    }

    [Fact]
    public async Task FiveWrongCodes_WarnBeforeTheLastThenStop()
    {
        var id = await CustomerIdAsync(Tanaka);
        var outcomes = new List<AuthenticationOutcome>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add((await Authenticator.CheckOneTimePasswordAsync(id, WrongCode(Tanaka.OtpSecretBase32), Home, None)).Outcome);
        }

        Assert.Equal(
            [AuthenticationOutcome.Wrong, AuthenticationOutcome.Wrong, AuthenticationOutcome.Wrong, AuthenticationOutcome.WrongOneAttemptLeft, AuthenticationOutcome.Stopped],
            outcomes);
        Assert.Equal("stopped", await StatusAsync(Tanaka));
        Assert.Equal(1, await AuditCountAsync("customer_stopped", id));
        Assert.Equal(5, await AuditCountAsync("login_failed", id));
    }

    [Fact]
    public async Task WrongPasswordWrongPinAndWrongCode_CountOnTheSameCounter()
    {
        var id = await CustomerIdAsync(Tanaka);

        Assert.Equal(AuthenticationOutcome.Wrong, (await Authenticator.CheckPasswordAsync(Tanaka.LoginId, "wrong", Home, None)).Outcome);
        Assert.Equal(AuthenticationOutcome.Wrong, (await Authenticator.CheckConfirmationPinAsync(id, "0000", Home, None)).Outcome);
        Assert.Equal(AuthenticationOutcome.Wrong, (await Authenticator.CheckPasswordAsync(Tanaka.LoginId, "wrong", Home, None)).Outcome);
        Assert.Equal(AuthenticationOutcome.WrongOneAttemptLeft, (await Authenticator.CheckConfirmationPinAsync(id, "0000", Home, None)).Outcome);
        Assert.Equal(AuthenticationOutcome.Stopped, (await Authenticator.CheckOneTimePasswordAsync(id, WrongCode(Tanaka.OtpSecretBase32), Home, None)).Outcome);
        Assert.Equal("stopped", await StatusAsync(Tanaka));
    }

    [Fact]
    public async Task Stopped_SameAnswerWhateverIsTyped()
    {
        await Database.ExecuteAsync("UPDATE customers SET status = 'stopped', stopped_at = now() WHERE login_id = $1", Tanaka.LoginId);
        var id = await CustomerIdAsync(Tanaka);

        var answers = new[]
        {
            (await Authenticator.CheckPasswordAsync(Tanaka.LoginId, Tanaka.Password, Home, None)).Outcome,
            (await Authenticator.CheckPasswordAsync(Tanaka.LoginId, "wrong", Home, None)).Outcome,
            (await Authenticator.CheckOneTimePasswordAsync(id, CodeNow(Tanaka.OtpSecretBase32), Home, None)).Outcome,
            (await Authenticator.LogInAsync(Tanaka.LoginId, Tanaka.Password, CodeNow(Tanaka.OtpSecretBase32, 1), Home, None)).Outcome,
            (await Authenticator.CheckConfirmationPinAsync(id, Tanaka.ConfirmationPin, Home, None)).Outcome,
        };

        Assert.All(answers, a => Assert.Equal(AuthenticationOutcome.Stopped, a));
        Assert.Null(await Database.ScalarAsync<object>("SELECT last_used_step FROM otp_devices WHERE serial_number = $1", Tanaka.OtpSerialNumber) as long?);
    }

    [Fact]
    public async Task CorrectPasswordAlone_DoesNotResetTheCounter()
    {
        for (var i = 0; i < 4; i++)
        {
            var step1 = await Authenticator.CheckPasswordAsync(Tanaka.LoginId, Tanaka.Password, Home, None);
            Assert.Equal(AuthenticationOutcome.Accepted, step1.Outcome);
            await Authenticator.CheckOneTimePasswordAsync(step1.Customer!.Id, WrongCode(Tanaka.OtpSecretBase32), Home, None);
        }

        Assert.Equal(4, await FailuresAsync(Tanaka));
        var last = await Authenticator.CheckPasswordAsync(Tanaka.LoginId, Tanaka.Password, Home, None);
        Assert.Equal(AuthenticationOutcome.Stopped, (await Authenticator.CheckOneTimePasswordAsync(last.Customer!.Id, WrongCode(Tanaka.OtpSecretBase32), Home, None)).Outcome);
    }

    [Fact]
    public async Task CompleteLogin_ResetsTheCounter()
    {
        var id = await CustomerIdAsync(Tanaka);
        await Authenticator.CheckOneTimePasswordAsync(id, WrongCode(Tanaka.OtpSecretBase32), Home, None);
        await Authenticator.CheckPasswordAsync(Tanaka.LoginId, "wrong", Home, None);

        var result = await Authenticator.LogInAsync(Tanaka.LoginId, Tanaka.Password, CodeNow(Tanaka.OtpSecretBase32), Home, None);

        Assert.Equal(AuthenticationOutcome.Accepted, result.Outcome);
        Assert.Equal(0, await FailuresAsync(Tanaka));
    }

    [Fact]
    public async Task OneForm_WrongPasswordAndWrongCode_CountOnce()
    {
        var result = await Authenticator.LogInAsync(Tanaka.LoginId, "wrong", WrongCode(Tanaka.OtpSecretBase32), Home, None);

        Assert.Equal(AuthenticationOutcome.Wrong, result.Outcome);
        Assert.Equal(1, await FailuresAsync(Tanaka));
    }

    /// <summary>RFC 6238 §5.2: a code is accepted once, even by another node over the same database.</summary>
    [Fact]
    public async Task Replay_OnAnotherNode_Refused()
    {
        await using var otherNode = BankLinkServices.Build(Database.ConnectionString, Clock);
        var id = await CustomerIdAsync(Tanaka);
        var code = CodeNow(Tanaka.OtpSecretBase32);

        var first = await Authenticator.CheckOneTimePasswordAsync(id, code, Home, None);
        var replayed = await otherNode.GetRequiredService<CustomerAuthenticator>().CheckOneTimePasswordAsync(id, code, Home, None);

        Assert.Equal(AuthenticationOutcome.Accepted, first.Outcome);
        Assert.Equal(AuthenticationOutcome.Wrong, replayed.Outcome);
    }

    [Fact]
    public async Task Replay_SameCodeOnTwoNodesAtOnce_ExactlyOneAccepted()
    {
        await using var otherNode = BankLinkServices.Build(Database.ConnectionString, Clock);
        var id = await CustomerIdAsync(Tanaka);
        var code = CodeNow(Tanaka.OtpSecretBase32);

        var results = await Task.WhenAll(
            Task.Run(() => Authenticator.CheckOneTimePasswordAsync(id, code, Home, None)),
            Task.Run(() => otherNode.GetRequiredService<CustomerAuthenticator>().CheckOneTimePasswordAsync(id, code, Home, None)));

        Assert.Single(results, r => r.Outcome == AuthenticationOutcome.Accepted);
    }

    [Fact]
    public async Task Replay_OlderCodeAfterANewerOne_Refused()
    {
        var id = await CustomerIdAsync(Tanaka);

        Assert.Equal(AuthenticationOutcome.Accepted, (await Authenticator.CheckOneTimePasswordAsync(id, CodeNow(Tanaka.OtpSecretBase32), Home, None)).Outcome);
        Assert.Equal(AuthenticationOutcome.Wrong, (await Authenticator.CheckOneTimePasswordAsync(id, CodeNow(Tanaka.OtpSecretBase32, -1), Home, None)).Outcome);
    }

    [Fact]
    public async Task Throttle_BlocksTheAddressBeforeTheAccountCounterMoves()
    {
        var attacker = IPAddress.Parse("198.51.100.7");
        for (var i = 0; i < 20; i++)
        {
            await Authenticator.CheckPasswordAsync($"nobody{i}", "guess", attacker, None);
        }

        var blocked = await Authenticator.CheckPasswordAsync(Tanaka.LoginId, "guess", attacker, None);
        var fromHome = await Authenticator.CheckPasswordAsync(Tanaka.LoginId, Tanaka.Password, Home, None);

        Assert.Equal(AuthenticationOutcome.Throttled, blocked.Outcome);
        Assert.Equal(0, await FailuresAsync(Tanaka));
        Assert.Equal(AuthenticationOutcome.Accepted, fromHome.Outcome);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM login_throttle WHERE encode(address_hash, 'escape') LIKE '%198.51%'"));

        Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(AuthenticationOutcome.Wrong, (await Authenticator.CheckPasswordAsync(Tanaka.LoginId, "guess", attacker, None)).Outcome);
    }

    [Fact]
    public void Throttle_Ipv6CountsBySlash64()
    {
        Assert.Equal(
            ClientAddressThrottle.Bucket(IPAddress.Parse("2001:db8:1:2::1")),
            ClientAddressThrottle.Bucket(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.Equal("192.0.2.1", ClientAddressThrottle.Bucket(IPAddress.Parse("::ffff:192.0.2.1")));
    }

    [Fact]
    public async Task Unlock_LiftsTheStopAndResetsTheCounter()
    {
        var id = await CustomerIdAsync(Tanaka);
        for (var i = 0; i < 5; i++)
        {
            await Authenticator.CheckPasswordAsync(Tanaka.LoginId, "wrong", Home, None);
        }

        Assert.Equal("stopped", await StatusAsync(Tanaka));
        var outcome = await Services.GetRequiredService<CustomerLockout>().UnlockAsync(Tanaka.LoginId, "identified by phone", "operator-1", None);

        Assert.Equal(UnlockOutcome.Unlocked, outcome);
        Assert.Equal("active", await StatusAsync(Tanaka));
        Assert.Equal(0, await FailuresAsync(Tanaka));
        Assert.Equal(1, await AuditCountAsync("customer_unlocked", id));
        Assert.Equal(AuthenticationOutcome.Accepted,
            (await Authenticator.LogInAsync(Tanaka.LoginId, Tanaka.Password, CodeNow(Tanaka.OtpSecretBase32), Home, None)).Outcome);
    }

    [Fact]
    public async Task SoftwareEnrolment_ConfirmedWithCodeAndPin_ActiveAndItsCodeSpent()
    {
        var id = await CustomerIdAsync(Suzuki);
        var enrolment = await Services.GetRequiredService<OtpDeviceStore>().BeginSoftwareEnrolmentAsync(id, None);
        var code = CodeNow(enrolment.SecretBase32);

        var confirmed = await Services.GetRequiredService<OtpDeviceRegistration>()
            .ConfirmSoftwareEnrolmentAsync(id, enrolment.SerialNumber, code, Suzuki.ConfirmationPin, Home, None);

        Assert.Equal(AuthenticationOutcome.Accepted, confirmed.Outcome);
        Assert.StartsWith("otpauth://totp/BankLink:suzuki02%20" + enrolment.SerialNumber + "?secret=" + enrolment.SecretBase32, enrolment.OtpAuthUri, StringComparison.Ordinal);
        Assert.DoesNotContain(enrolment.SecretBase32, enrolment.ToString(), StringComparison.Ordinal);
        var devices = await Services.GetRequiredService<OtpDeviceStore>().ListAsync(id, None);
        Assert.Contains(devices, d => d.SerialNumber == enrolment.SerialNumber && d.Status == OtpDeviceStatus.Active && d.Kind == OtpDeviceKind.Software);
        Assert.Equal(1, await AuditCountAsync("otp_device_registered", id));

        // The confirming code cannot log in; the app's next code can.
        Assert.Equal(AuthenticationOutcome.Wrong, (await Authenticator.CheckOneTimePasswordAsync(id, code, Home, None)).Outcome);
        Clock.Advance(Totp.Period);
        Assert.Equal(AuthenticationOutcome.Accepted, (await Authenticator.CheckOneTimePasswordAsync(id, CodeNow(enrolment.SecretBase32), Home, None)).Outcome);
    }

    [Fact]
    public async Task SoftwareEnrolment_PendingUnusableAndExpiresAfterTenMinutes()
    {
        var id = await CustomerIdAsync(Suzuki);
        var enrolment = await Services.GetRequiredService<OtpDeviceStore>().BeginSoftwareEnrolmentAsync(id, None);
        Assert.Equal(AuthenticationOutcome.Wrong, (await Authenticator.CheckOneTimePasswordAsync(id, CodeNow(enrolment.SecretBase32), Home, None)).Outcome);

        Clock.Advance(TimeSpan.FromMinutes(10));
        var late = await Services.GetRequiredService<OtpDeviceRegistration>()
            .ConfirmSoftwareEnrolmentAsync(id, enrolment.SerialNumber, CodeNow(enrolment.SecretBase32), Suzuki.ConfirmationPin, Home, None);

        Assert.Equal(AuthenticationOutcome.EnrolmentExpired, late.Outcome);
        Assert.Equal("pending", await Database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = $1", enrolment.SerialNumber));
        Assert.DoesNotContain(await Services.GetRequiredService<OtpDeviceStore>().ListAsync(id, None), d => d.SerialNumber == enrolment.SerialNumber);
    }

    [Fact]
    public async Task HardwareRegistration_WrongPinCountsAFailureThenRightOneActivates()
    {
        var id = await CustomerIdAsync(Suzuki);
        const string Secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        await Services.GetRequiredService<OtpDeviceStore>().ImportHardwareDevicesAsync([new VendorDevice("4000000001", Base32.Decode(Secret))], "test", None);
        var registration = Services.GetRequiredService<OtpDeviceRegistration>();

        var wrongPin = await registration.RegisterHardwareDeviceAsync(id, "4000000001", CodeNow(Secret), "9999", Home, None);
        Assert.Equal(AuthenticationOutcome.Wrong, wrongPin.Outcome);
        Assert.Equal(1, await FailuresAsync(Suzuki));

        var right = await registration.RegisterHardwareDeviceAsync(id, "4000-000-001", CodeNow(Secret, 1), Suzuki.ConfirmationPin, Home, None);
        Assert.Equal(AuthenticationOutcome.Accepted, right.Outcome);
        Assert.Equal(0, await FailuresAsync(Suzuki));
        Assert.Equal(id, await Database.ScalarAsync<Guid>("SELECT customer_id FROM otp_devices WHERE serial_number = '4000000001' AND status = 'active'"));

        // Someone else's (now assigned) device cannot be registered again.
        var tanakaId = await CustomerIdAsync(Tanaka);
        Clock.Advance(Totp.Period * 2);
        Assert.Equal(AuthenticationOutcome.Wrong,
            (await registration.RegisterHardwareDeviceAsync(tanakaId, "4000000001", CodeNow(Secret), Tanaka.ConfirmationPin, Home, None)).Outcome);
    }

    [Fact]
    public async Task Retire_LastActiveDeviceRefused_OtherwiseRetired()
    {
        var id = await CustomerIdAsync(Suzuki);
        var store = Services.GetRequiredService<OtpDeviceStore>();

        Assert.Equal(OtpRetirementOutcome.LastActiveDevice, await store.RetireAsync(id, Suzuki.OtpSerialNumber, None));

        var enrolment = await store.BeginSoftwareEnrolmentAsync(id, None);
        await Services.GetRequiredService<OtpDeviceRegistration>()
            .ConfirmSoftwareEnrolmentAsync(id, enrolment.SerialNumber, CodeNow(enrolment.SecretBase32), Suzuki.ConfirmationPin, Home, None);
        Assert.Equal(OtpRetirementOutcome.Retired, await store.RetireAsync(id, Suzuki.OtpSerialNumber, None));
        Assert.Equal(OtpRetirementOutcome.NotFound, await store.RetireAsync(id, Suzuki.OtpSerialNumber, None));
        Assert.Equal(1, await AuditCountAsync("otp_device_retired", id));
    }

    [Fact]
    public async Task Import_AlreadyKnownSerialsSkipped_SeedsStoredEncrypted()
    {
        var store = Services.GetRequiredService<OtpDeviceStore>();
        var seed = Base32.Decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");

        var result = await store.ImportHardwareDevicesAsync(
            [new VendorDevice("4000000002", seed), new VendorDevice(Tanaka.OtpSerialNumber, seed)], "test", None);

        Assert.Equal(1, result.Imported);
        Assert.Equal([Tanaka.OtpSerialNumber], result.AlreadyKnown);
        Assert.Equal(0, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM otp_devices WHERE protected_seed LIKE '%JBSWY3DP%' OR protected_seed = $1", Convert.ToBase64String(seed)));
    }

    [Fact]
    public async Task ManyCustomersStoppedClosely_AlertsOperatorsOnce()
    {
        await using var strict = BankLinkServices.Build(Database.ConnectionString, Clock, services =>
            services.Configure<CustomerSecurityOptions>(o => (o.MaxConsecutiveFailures, o.StopBurstThreshold) = (1, 3)));
        var authenticator = strict.GetRequiredService<CustomerAuthenticator>();

        foreach (var customer in DemoCustomers.All.Take(4))
        {
            Assert.Equal(AuthenticationOutcome.Stopped, (await authenticator.CheckPasswordAsync(customer.LoginId, "wrong", Home, None)).Outcome);
        }

        Assert.Equal(4, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'customer_stopped'"));
        Assert.Equal(1, await AuditCountAsync("lockout_burst"));
    }
}
