using System.Net;
using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Domain.Otp;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>
/// Operator accounts on real PostgreSQL (issue 6): creation with generated secrets, the first admin, the two-factor
/// login with its lockout and TOTP replay refusal (RFC 6238 §5.2), admin changes and their guards, admin API keys, and
/// an operator changing their own password (required after creation and after a reset).
/// </summary>
public sealed class OperatorAccountTests : ServicesOverDatabase<SchemaDatabase>
{
    private static readonly IPAddress Office = IPAddress.Parse("198.51.100.7");
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly OperatorActor Command = OperatorActor.Command("tester");

    private OperatorStore Store => Services.GetRequiredService<OperatorStore>();

    private OperatorAuthenticator Authenticator => Services.GetRequiredService<OperatorAuthenticator>();

    private OperatorApiKeys ApiKeys => Services.GetRequiredService<OperatorApiKeys>();

    private long StepNow => Totp.TimeStepAt(Clock.GetUtcNow());

    private static string Code(OperatorCredentials credentials, long step) => Totp.Compute(Base32.Decode(credentials.TotpSecretBase32), step);

    /// <summary>A code no step of the drift window shows, so "wrong" is never right by chance.</summary>
    private string WrongCode(OperatorCredentials credentials)
    {
        var window = Enumerable.Range(-1, 3).Select(offset => Code(credentials, StepNow + offset)).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => $"{i}{i}{i}{i}{i}{i}").First(c => !window.Contains(c));
    }

    private Task<OperatorCredentials> AddAsync(string loginId, OperatorRole role) => Store.CreateAsync(Command, loginId, "Test " + loginId, role, "a test needs it", None);

    private Task<long> AuditCountAsync(string eventType) =>
        Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = $1", eventType);

    private Task<string> StatusAsync(string loginId) => Database.ScalarAsync<string>("SELECT status FROM operators WHERE login_id = $1", loginId);

    private async Task<OperatorLoginResult> LogInAsync(OperatorCredentials credentials, string? code = null, string? password = null)
    {
        var step1 = await Authenticator.CheckPasswordAsync(credentials.Operator.LoginId, password ?? credentials.Password, Office, None);
        return step1.Outcome != OperatorLoginOutcome.Accepted
            ? step1
            : await Authenticator.CheckCodeAsync(step1.OperatorId!.Value, code ?? Code(credentials, StepNow), Office, None);
    }

    private static OperatorActor ActorOf(OperatorCredentials credentials) => new(credentials.Operator.Id, credentials.Operator.LoginId, credentials.Operator.Role);

    [Fact]
    public async Task CreateFirstAdmin_SecretsReturnedOnce_OnlyHashAndCipherStored()
    {
        var created = await Store.CreateFirstAdminAsync("Chief.Admin", "Chief Admin", "command:tester", None);

        Assert.Equal("chief.admin", created.Operator.LoginId);
        Assert.Equal(OperatorRole.Admin, created.Operator.Role);
        Assert.Matches("^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$", created.Password);
        Assert.Equal(32, created.TotpSecretBase32.Length);
        Assert.StartsWith("otpauth://totp/BankLink%20Console:chief.admin?secret=" + created.TotpSecretBase32, created.OtpAuthUri, StringComparison.Ordinal);
        var row = await Database.ScalarAsync<string>("SELECT password_hash || ' ' || protected_totp_seed FROM operators");
        Assert.StartsWith("pbkdf2-sha512$", row, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Password, row, StringComparison.Ordinal);
        Assert.DoesNotContain(created.TotpSecretBase32, row, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Password, created.ToString(), StringComparison.Ordinal);
        Assert.Equal("command:tester", await Database.ScalarAsync<string>("SELECT actor_id FROM audit_events WHERE event_type = 'operator_created'"));
        Assert.DoesNotContain(created.Password, await Database.ScalarAsync<string>("SELECT string_agg(coalesce(detail, ''), ' ') FROM audit_events"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateFirstAdmin_WhileAnActiveAdminExists_RefusedUntilNoneIs()
    {
        await Store.CreateFirstAdminAsync("first", "First", "command:tester", None);

        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => Store.CreateFirstAdminAsync("second", "Second", "command:tester", None));
        await Database.ExecuteAsync("UPDATE operators SET status = 'stopped' WHERE login_id = 'first'");
        var again = await Store.CreateFirstAdminAsync("second", "Second", "command:tester", None);

        Assert.Equal("conflict", refused.Code);
        Assert.Equal("second", again.Operator.LoginId);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    [InlineData("this-login-id-is-far-too-long-for-us")]
    public async Task Create_BadLoginId_Refused(string loginId)
    {
        var refused = await Assert.ThrowsAsync<OperationRefusedException>(() => AddAsync(loginId, OperatorRole.Viewer));

        Assert.Equal("invalid_request", refused.Code);
    }

    [Fact]
    public async Task Create_ByNonAdminWithoutReasonOrTwice_Refused()
    {
        var viewer = await AddAsync("viewer1", OperatorRole.Viewer);

        var notAdmin = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            Store.CreateAsync(ActorOf(viewer), "someone", "Someone", OperatorRole.Viewer, "a good reason", None));
        var noReason = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            Store.CreateAsync(Command, "someone", "Someone", OperatorRole.Viewer, "  ", None));
        var twice = await Assert.ThrowsAsync<OperationRefusedException>(() => AddAsync("VIEWER1", OperatorRole.Admin));

        Assert.Equal("forbidden", notAdmin.Code);
        Assert.Equal("invalid_reason", noReason.Code);
        Assert.Equal("conflict", twice.Code);
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM operators"));
    }

    [Fact]
    public async Task Login_PasswordThenCode_AcceptedAndAudited()
    {
        var alice = await AddAsync("alice", OperatorRole.Operator);

        var result = await LogInAsync(alice);

        Assert.Equal(OperatorLoginOutcome.Accepted, result.Outcome);
        Assert.Equal("alice", result.Session!.LoginId);
        Assert.Equal(OperatorRole.Operator, result.Session.Role);
        Assert.Equal(1, await AuditCountAsync(OperatorAuditEvents.OperatorLogin));
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, await Database.ScalarAsync<DateTime>("SELECT last_login_at FROM operators"));
    }

    [Fact]
    public async Task Login_WrongPasswordUnknownLoginIdOrWrongCode_SameAnswer()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);

        var wrongPassword = await LogInAsync(alice, password: "not-the-password");
        var unknown = await Authenticator.CheckPasswordAsync("nobody", alice.Password, Office, None);
        var wrongCode = await LogInAsync(alice, code: WrongCode(alice));

        Assert.Equal(OperatorLoginOutcome.Wrong, wrongPassword.Outcome);
        Assert.Equal(OperatorLoginOutcome.Wrong, unknown.Outcome);
        Assert.Equal(OperatorLoginOutcome.Wrong, wrongCode.Outcome);
        Assert.Equal(3, await AuditCountAsync(OperatorAuditEvents.OperatorLoginFailed));
        Assert.Equal(2, await Database.ScalarAsync<int>("SELECT consecutive_failures FROM operators"));
        Assert.Equal(1L, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE event_type = 'operator_login_failed' AND actor_id IS NULL"));
    }

    [Fact]
    public async Task Login_FiveFailuresInARow_StoppedWhateverIsTypedUntilAnAdminReactivates()
    {
        var alice = await AddAsync("alice", OperatorRole.Operator);
        var outcomes = new List<OperatorLoginOutcome>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add((i % 2 == 0 ? await LogInAsync(alice, password: "wrong-password") : await LogInAsync(alice, code: WrongCode(alice))).Outcome);
        }

        var rightAfterStop = await LogInAsync(alice);
        var viewer = await AddAsync("viewer1", OperatorRole.Operator);
        var notByOperator = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            Store.ReactivateAsync(ActorOf(viewer), alice.Operator.Id, "identified by phone", None));
        await Store.ReactivateAsync(Command, alice.Operator.Id, "identified by phone", None);
        Clock.Advance(TimeSpan.FromSeconds(30));
        var afterReactivation = await LogInAsync(alice);

        Assert.Equal([.. Enumerable.Repeat(OperatorLoginOutcome.Wrong, 4), OperatorLoginOutcome.Stopped], outcomes);
        Assert.Equal(OperatorLoginOutcome.Stopped, rightAfterStop.Outcome);
        Assert.Equal("forbidden", notByOperator.Code);
        Assert.Equal(OperatorLoginOutcome.Accepted, afterReactivation.Outcome);
        Assert.Equal(1, await AuditCountAsync(OperatorAuditEvents.OperatorStopped));
        Assert.Equal(1, await AuditCountAsync(OperatorAuditEvents.OperatorReactivated));
    }

    [Fact]
    public async Task Login_RightPasswordAlone_DoesNotResetTheCounter()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        for (var i = 0; i < 4; i++)
        {
            await LogInAsync(alice, password: "wrong-password");
        }

        var stepOne = await Authenticator.CheckPasswordAsync("alice", alice.Password, Office, None);
        var last = await Authenticator.CheckCodeAsync(stepOne.OperatorId!.Value, WrongCode(alice), Office, None);

        Assert.Equal(OperatorLoginOutcome.Accepted, stepOne.Outcome);
        Assert.Equal(OperatorLoginOutcome.Stopped, last.Outcome);
        Assert.Equal("stopped", await StatusAsync("alice"));
    }

    [Fact]
    public async Task Login_SameCodeTwiceOrAnOlderStep_RefusedRfc6238Section5_2()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        var code = Code(alice, StepNow);

        var first = await LogInAsync(alice, code);
        var replay = await LogInAsync(alice, code);
        var nextStep = await LogInAsync(alice, Code(alice, StepNow + 1));
        var olderStep = await LogInAsync(alice, Code(alice, StepNow - 1));

        Assert.Equal(OperatorLoginOutcome.Accepted, first.Outcome);
        Assert.Equal(OperatorLoginOutcome.Wrong, replay.Outcome);
        Assert.Equal(OperatorLoginOutcome.Accepted, nextStep.Outcome);
        Assert.Equal(OperatorLoginOutcome.Wrong, olderStep.Outcome);
    }

    [Fact]
    public async Task Login_DisabledOperator_Stopped()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        await Store.DisableAsync(Command, alice.Operator.Id, "left the bank", None);

        Assert.Equal(OperatorLoginOutcome.Stopped, (await LogInAsync(alice)).Outcome);
        Assert.Equal(OperatorStatus.Disabled, (await Authenticator.FindSessionAsync(alice.Operator.Id, None))!.Status);
    }

    [Fact]
    public async Task ChangeRole_TakesEffectAndIsAudited_ButNeverRemovesTheLastAdminOrOneself()
    {
        var admin = await Store.CreateFirstAdminAsync("admin1", "Admin One", "command:tester", None);
        var bob = await AddAsync("bob", OperatorRole.Viewer);

        var promoted = await Store.ChangeRoleAsync(ActorOf(admin), bob.Operator.Id, OperatorRole.Admin, "covers the desk", None);
        var self = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            Store.ChangeRoleAsync(ActorOf(admin), admin.Operator.Id, OperatorRole.Viewer, "stepping down", None));
        await Store.DisableAsync(Command, bob.Operator.Id, "covered the desk", None);
        var lastAdmin = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            Store.ChangeRoleAsync(Command, admin.Operator.Id, OperatorRole.Viewer, "stepping down", None));
        var lastAdminDisabled = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            Store.DisableAsync(Command, admin.Operator.Id, "stepping down", None));

        Assert.Equal(OperatorRole.Admin, promoted.Role);
        Assert.Equal(OperatorRole.Admin, (await Authenticator.FindSessionAsync(bob.Operator.Id, None))!.Role);
        Assert.Equal("same_operator", self.Code);
        Assert.Equal("conflict", lastAdmin.Code);
        Assert.Equal("conflict", lastAdminDisabled.Code);
        Assert.Equal("viewer", await Database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'from' FROM audit_events WHERE event_type = 'operator_role_changed'"));
        Assert.Equal("admin1", await Database.ScalarAsync<string>("SELECT actor_id FROM audit_events WHERE event_type = 'operator_role_changed'"));
    }

    [Fact]
    public async Task ResetCredentials_OldSecretsStopNewOnesWorkAndTheStampMoves()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        var before = (await Authenticator.FindSessionAsync(alice.Operator.Id, None))!.CredentialStamp;
        Clock.Advance(TimeSpan.FromMinutes(1));

        var reset = await Store.ResetCredentialsAsync(Command, alice.Operator.Id, "lost her phone", None);

        Assert.NotEqual(alice.Password, reset.Password);
        Assert.Equal(OperatorLoginOutcome.Wrong, (await LogInAsync(alice)).Outcome);
        Assert.Equal(OperatorLoginOutcome.Accepted, (await LogInAsync(reset)).Outcome);
        Assert.NotEqual(before, (await Authenticator.FindSessionAsync(alice.Operator.Id, None))!.CredentialStamp);
    }

    private Task<bool> MustChangeAsync(string loginId) =>
        Database.ScalarAsync<bool>("SELECT must_change_password FROM operators WHERE login_id = $1", loginId);

    private Task<string> PasswordHashAsync(string loginId) => Database.ScalarAsync<string>("SELECT password_hash FROM operators WHERE login_id = $1", loginId);

    [Fact]
    public async Task CreateAndReset_EveryGeneratedPasswordMustBeChanged()
    {
        var admin = await Store.CreateFirstAdminAsync("admin1", "Admin One", "command:tester", None);
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        await Store.ChangeOwnPasswordAsync(alice.Operator.Id, alice.Password, "My own Passw0rd!", None);
        var changed = await Store.FindAsync(alice.Operator.Id, None);
        Assert.False(changed!.MustChangePassword);

        await Store.ResetCredentialsAsync(ActorOf(admin), alice.Operator.Id, "forgot her password", None);

        Assert.True(admin.Operator.MustChangePassword);
        Assert.True(alice.Operator.MustChangePassword);
        Assert.True((await Authenticator.FindSessionAsync(alice.Operator.Id, None))!.MustChangePassword);
        Assert.True(await MustChangeAsync("alice"));
        Assert.True(await MustChangeAsync("admin1"));
    }

    [Fact]
    public async Task ChangeOwnPassword_Accepted_FlagClearedStampMovedAuditedAndOnlyTheNewPasswordWorks()
    {
        var alice = await AddAsync("alice", OperatorRole.Operator);
        var before = (await Authenticator.FindSessionAsync(alice.Operator.Id, None))!;
        const string chosen = "Kingfisher-over-the-river";

        // The clock is not moved: the stamp must move all the same (two changes can fall on the same microsecond).
        var result = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, alice.Password, chosen, None);
        var after = (await Authenticator.FindSessionAsync(alice.Operator.Id, None))!;

        Assert.Equal(OperatorPasswordChangeOutcome.Changed, result.Outcome);
        Assert.Empty(result.NewPasswordProblems);
        Assert.Equal(after, result.Session);
        Assert.False(after.MustChangePassword);
        Assert.True(after.CredentialStamp > before.CredentialStamp);
        Assert.True(after.CredentialStamp >= Clock.GetUtcNow());
        Assert.StartsWith("pbkdf2-sha512$", await PasswordHashAsync("alice"), StringComparison.Ordinal);
        Assert.Equal(OperatorLoginOutcome.Wrong, (await LogInAsync(alice)).Outcome);
        Assert.Equal(OperatorLoginOutcome.Accepted, (await LogInAsync(alice, password: chosen)).Outcome);
        Assert.Equal(1, await AuditCountAsync(OperatorAuditEvents.OperatorPasswordChanged));
        Assert.Equal("alice", await Database.ScalarAsync<string>("SELECT actor_id FROM audit_events WHERE event_type = 'operator_password_changed'"));
        Assert.True(await Database.ScalarAsync<bool>(
            "SELECT (detail::jsonb->>'was_required')::boolean FROM audit_events WHERE event_type = 'operator_password_changed'"));
        var details = await Database.ScalarAsync<string>("SELECT string_agg(coalesce(detail, ''), ' ') FROM audit_events");
        Assert.DoesNotContain(chosen, details, StringComparison.Ordinal);
        Assert.DoesNotContain(alice.Password, details, StringComparison.Ordinal);
        Assert.True((await Services.GetRequiredService<AuditVerifier>().VerifyAsync(None)).IsIntact);
    }

    [Fact]
    public async Task ChangeOwnPassword_AgainLater_NotRequiredAndTheStampMovesAgain()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        var first = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, alice.Password, "First own Passw0rd", None);
        Clock.Advance(TimeSpan.FromDays(30));

        var second = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, "First own Passw0rd", "Second own Passw0rd", None);

        Assert.Equal(OperatorPasswordChangeOutcome.Changed, second.Outcome);
        Assert.Equal(Clock.GetUtcNow(), second.Session!.CredentialStamp);
        Assert.True(second.Session.CredentialStamp > first.Session!.CredentialStamp);
        Assert.False(await Database.ScalarAsync<bool>(
            "SELECT (detail::jsonb->>'was_required')::boolean FROM audit_events WHERE event_type = 'operator_password_changed' ORDER BY id DESC LIMIT 1"));
    }

    [Theory]
    [InlineData("Sh0rt!pass", "length")]
    [InlineData("TOO-long-129", "length")]
    [InlineData("lower and spaces", "classes")]
    [InlineData("alllowercase", "classes")]
    [InlineData("ALICE-Has-2-Keys", "login")]
    [InlineData("Tab\there-Pa55", "control")]
    public async Task ChangeOwnPassword_NewPasswordBreaksARule_RefusedNothingChangedNothingCounted(string newPassword, string rule)
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        var hash = await PasswordHashAsync("alice");
        newPassword = newPassword == "TOO-long-129" ? new string('A', 60) + new string('b', 60) + "123456789" : newPassword;

        var result = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, alice.Password, newPassword, None);

        Assert.Equal(OperatorPasswordChangeOutcome.NewPasswordRefused, result.Outcome);
        var expected = rule switch
        {
            "length" => OperatorPasswordRules.LengthRule,
            "classes" => OperatorPasswordRules.ClassesRule,
            "login" => OperatorPasswordRules.LoginIdRule,
            _ => OperatorPasswordRules.ControlRule,
        };
        Assert.Contains(expected, result.NewPasswordProblems);
        Assert.Null(result.Session);
        Assert.Equal(hash, await PasswordHashAsync("alice"));
        Assert.True(await MustChangeAsync("alice"));
        Assert.Equal(0, await Database.ScalarAsync<int>("SELECT consecutive_failures FROM operators"));
        Assert.Equal(0, await AuditCountAsync(OperatorAuditEvents.OperatorPasswordChanged));
    }

    [Fact]
    public async Task ChangeOwnPassword_SameAsCurrent_Refused()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);

        var result = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, alice.Password, alice.Password, None);

        Assert.Equal(OperatorPasswordChangeOutcome.NewPasswordRefused, result.Outcome);
        Assert.Equal([OperatorPasswordRules.SameAsCurrentRule], result.NewPasswordProblems);
    }

    [Theory]
    [InlineData("Tr0ub4dor&3x")] // 12 characters, four classes
    [InlineData("Bluehour2727")] // three classes
    [InlineData("correct horse battery staple")] // lower case and spaces only, but 20 characters or more
    [InlineData("ねこがすきなオペレーターのパスワード20")] // letters of no case count as "other"; 20 or more anyway
    public void PasswordRules_Accepted(string password) => Assert.Empty(OperatorPasswordRules.Problems(password, "alice", "Some-Old-Pass-1"));

    [Fact]
    public async Task ChangeOwnPassword_WrongCurrentPassword_CountsTowardTheLockoutLikeALoginFailure()
    {
        var alice = await AddAsync("alice", OperatorRole.Operator);
        var hash = await PasswordHashAsync("alice");
        await LogInAsync(alice, password: "wrong-password");
        await LogInAsync(alice, code: WrongCode(alice));
        var outcomes = new List<OperatorPasswordChangeOutcome>();
        for (var i = 0; i < 3; i++)
        {
            var result = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, "not-the-password", "Kingfisher-over-the-river", None);
            outcomes.Add(result.Outcome);
            Assert.Null(result.Session);
        }

        var rightAfterStop = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, alice.Password, "Kingfisher-over-the-river", None);

        Assert.Equal([OperatorPasswordChangeOutcome.CurrentPasswordWrong, OperatorPasswordChangeOutcome.CurrentPasswordWrong, OperatorPasswordChangeOutcome.Stopped],
            outcomes);
        Assert.Equal(OperatorPasswordChangeOutcome.Stopped, rightAfterStop.Outcome);
        Assert.Equal("stopped", await StatusAsync("alice"));
        Assert.Equal(hash, await PasswordHashAsync("alice"));
        Assert.True(await MustChangeAsync("alice"));
        Assert.Equal(3, await AuditCountAsync(OperatorAuditEvents.OperatorPasswordChangeFailed));
        Assert.Equal("current_password", await Database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'last_factor' FROM audit_events WHERE event_type = 'operator_stopped'"));
        Assert.Equal(0, await AuditCountAsync(OperatorAuditEvents.OperatorPasswordChanged));
        Assert.Equal(OperatorLoginOutcome.Stopped, (await LogInAsync(alice)).Outcome);
    }

    [Fact]
    public async Task ChangeOwnPassword_WrongCurrentAndABadNewPassword_BothReported()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);

        var result = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, "not-the-password", "short", None);

        Assert.Equal(OperatorPasswordChangeOutcome.CurrentPasswordWrong, result.Outcome);
        Assert.Contains(OperatorPasswordRules.LengthRule, result.NewPasswordProblems);
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT consecutive_failures FROM operators"));
    }

    [Fact]
    public async Task ChangeOwnPassword_DisabledOperatorOrUnknownId_StoppedAndNothingCounted()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        await Store.DisableAsync(Command, alice.Operator.Id, "left the bank", None);

        var disabled = await Store.ChangeOwnPasswordAsync(alice.Operator.Id, alice.Password, "Kingfisher-over-the-river", None);
        var unknown = await Store.ChangeOwnPasswordAsync(Guid.NewGuid(), alice.Password, "Kingfisher-over-the-river", None);

        Assert.Equal(OperatorPasswordChangeOutcome.Stopped, disabled.Outcome);
        Assert.Equal(OperatorPasswordChangeOutcome.Stopped, unknown.Outcome);
        Assert.Equal(0, await Database.ScalarAsync<int>("SELECT consecutive_failures FROM operators"));
        Assert.True(await MustChangeAsync("alice"));
    }

    [Fact]
    public async Task ApiKey_IssuedOnceVerifiedByHashWithTheOperatorsCurrentRole()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);

        var issued = await ApiKeys.IssueAsync(Command, alice.Operator.Id, "reporting tool", null, "nightly report", None);
        var caller = await ApiKeys.VerifyAsync(issued.Key, None);
        await Store.ChangeRoleAsync(Command, alice.Operator.Id, OperatorRole.Operator, "more duties now", None);
        var afterPromotion = await ApiKeys.VerifyAsync(issued.Key, None);

        Assert.Matches("^blak_[A-Za-z0-9_-]{43}$", issued.Key);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromDays(90), issued.ExpiresAt);
        Assert.DoesNotContain(issued.Key, issued.ToString(), StringComparison.Ordinal);
        Assert.Equal(new OperatorActor(alice.Operator.Id, "alice", OperatorRole.Viewer), caller!.Operator);
        Assert.Equal(OperatorRole.Operator, afterPromotion!.Operator.Role);
        Assert.Equal(32, await Database.ScalarAsync<int>("SELECT length(key_hash) FROM operator_api_keys"));
        Assert.False(await Database.ScalarAsync<bool>("SELECT position($1::bytea in key_hash) > 0 FROM operator_api_keys",
            System.Text.Encoding.ASCII.GetBytes(issued.Key[5..20])));
        Assert.Equal(1, await AuditCountAsync(OperatorAuditEvents.OperatorApiKeyIssued));
        Assert.Null(await ApiKeys.VerifyAsync(issued.Key[..^1] + (issued.Key[^1] == 'A' ? 'B' : 'A'), None));
        Assert.Null(await ApiKeys.VerifyAsync("blak_short", None));
        Assert.Null(await ApiKeys.VerifyAsync(null, None));
    }

    [Fact]
    public async Task ApiKey_RevokedExpiredOrOperatorDisabled_Refused()
    {
        var alice = await AddAsync("alice", OperatorRole.Operator);
        var bob = await AddAsync("bob", OperatorRole.Operator);
        var revoked = await ApiKeys.IssueAsync(Command, alice.Operator.Id, "one", null, null, None);
        var shortLived = await ApiKeys.IssueAsync(Command, alice.Operator.Id, "two", TimeSpan.FromDays(1), null, None);
        var bobs = await ApiKeys.IssueAsync(Command, bob.Operator.Id, "three", null, null, None);

        await ApiKeys.RevokeAsync(Command, revoked.Id, "no longer used", None);
        var revokeTwice = await Assert.ThrowsAsync<OperationRefusedException>(() => ApiKeys.RevokeAsync(Command, revoked.Id, "no longer used", None));
        var validBeforeExpiry = await ApiKeys.VerifyAsync(shortLived.Key, None);
        await Store.DisableAsync(Command, bob.Operator.Id, "left the bank", None);
        Clock.Advance(TimeSpan.FromDays(1));

        Assert.Null(await ApiKeys.VerifyAsync(revoked.Key, None));
        Assert.Equal("conflict", revokeTwice.Code);
        Assert.NotNull(validBeforeExpiry);
        Assert.Null(await ApiKeys.VerifyAsync(shortLived.Key, None));
        Assert.Null(await ApiKeys.VerifyAsync(bobs.Key, None));
        Assert.Equal(1, await AuditCountAsync(OperatorAuditEvents.OperatorApiKeyRevoked));
        var tooLong = await Assert.ThrowsAsync<OperationRefusedException>(() =>
            ApiKeys.IssueAsync(Command, alice.Operator.Id, "four", TimeSpan.FromDays(400), null, None));
        Assert.Equal("invalid_request", tooLong.Code);
        var disabledOwner = await Assert.ThrowsAsync<OperationRefusedException>(() => ApiKeys.IssueAsync(Command, bob.Operator.Id, "five", null, null, None));
        Assert.Equal("conflict", disabledOwner.Code);
    }

    [Fact]
    public async Task ApiKey_LastUsed_WrittenAtMostOnceAMinute()
    {
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        var issued = await ApiKeys.IssueAsync(Command, alice.Operator.Id, "tool", null, null, None);
        var first = Clock.GetUtcNow();

        await ApiKeys.VerifyAsync(issued.Key, None);
        Clock.Advance(TimeSpan.FromSeconds(30));
        await ApiKeys.VerifyAsync(issued.Key, None);
        var afterHalfAMinute = await Database.ScalarAsync<DateTime>("SELECT last_used_at FROM operator_api_keys");
        Clock.Advance(TimeSpan.FromSeconds(31));
        await ApiKeys.VerifyAsync(issued.Key, None);

        Assert.Equal(first.UtcDateTime, afterHalfAMinute);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, await Database.ScalarAsync<DateTime>("SELECT last_used_at FROM operator_api_keys"));
    }

    [Fact]
    public async Task EveryChange_LeavesTheAuditChainIntact()
    {
        var admin = await Store.CreateFirstAdminAsync("admin1", "Admin One", "command:tester", None);
        var alice = await AddAsync("alice", OperatorRole.Viewer);
        await LogInAsync(alice, password: "wrong-password");
        await LogInAsync(alice);
        await Store.ChangeRoleAsync(ActorOf(admin), alice.Operator.Id, OperatorRole.Operator, "more duties now", None);
        var key = await ApiKeys.IssueAsync(ActorOf(admin), alice.Operator.Id, "tool", null, "for the nightly job", None);
        await ApiKeys.RevokeAsync(ActorOf(admin), key.Id, "job retired", None);
        await Store.DisableAsync(ActorOf(admin), alice.Operator.Id, "left the bank", None);

        var verification = await Services.GetRequiredService<AuditVerifier>().VerifyAsync(None);

        Assert.True(verification.IsIntact);
        Assert.Equal(8, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type LIKE 'operator%'"));
    }
}
