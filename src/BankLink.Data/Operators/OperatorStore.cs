using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Data.Operations;
using BankLink.Domain.Operators;
using BankLink.Domain.Otp;
using BankLink.Domain.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Operators;

/// <summary>
/// Operator accounts (issue 6: bank staff, separate from customers): creating them with a generated password and TOTP
/// seed returned once, listing and finding them, and an admin's changes (role, disable, re-activate, reset credentials).
/// Every change commits with its audit event, carries the acting admin's reason, and is refused (with
/// <see cref="OperationRefusedException"/>) when it would leave the bank without an active admin. A generated password
/// has been seen by whoever created or reset the account, so both set must_change_password, and the operator then
/// chooses their own (<see cref="ChangeOwnPasswordAsync"/>).
/// </summary>
public sealed class OperatorStore(
    NpgsqlDataSource dataSource,
    OperatorSeedProtector seedProtector,
    AuditTrail auditTrail,
    IOptions<OperatorSecurityOptions> options,
    TimeProvider clock,
    ILogger<OperatorStore> logger)
{
    /// <summary>
    /// Serialises every change to operator accounts (rare, by hand): "is this the last active admin?" and "is there an
    /// active admin yet?" are then answered on rows nobody else is changing. The ASCII bytes of "BLOperat".
    /// </summary>
    private const long AccountsLockKey = 0x424C_4F70_6572_6174;

    internal const string Columns =
        "id, login_id, display_name, role, status, consecutive_failures, created_at, created_by, last_login_at, password_changed_at, status_changed_at, must_change_password";

    /// <summary>
    /// Creates the first admin from the command line (nobody ships with a default password). Refused with
    /// <c>conflict</c> while an active admin exists; allowed again when none is (every admin stopped or disabled),
    /// which is the bank's way back in, for whoever can run the server's commands.
    /// </summary>
    public async Task<OperatorCredentials> CreateFirstAdminAsync(string loginId, string displayName, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(createdBy);
        var (login, name) = ValidateNewOperator(loginId, displayName);
        var secrets = NewSecrets();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await BeginLockedAsync(connection, cancellationToken);
            if (await ActiveAdminCountAsync(connection, transaction, null, cancellationToken) > 0)
            {
                throw new OperationRefusedException("conflict",
                    "An active admin exists already: admins add operators in the console or with 'operators add'.");
            }

            var created = await InsertAsync(connection, transaction, login, name, OperatorRole.Admin, secrets, createdBy,
                new AuditActor(AuditActorKinds.Operator, createdBy), reason: null, firstAdmin: true, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Credentials(created, secrets);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secrets.Seed);
        }
    }

    /// <summary>An admin adds an operator of any role; the password and TOTP seed are returned this once.</summary>
    public async Task<OperatorCredentials> CreateAsync(
        OperatorActor actor, string loginId, string displayName, OperatorRole role, string reason, CancellationToken cancellationToken)
    {
        var why = RequireAdmin(actor, reason);
        if (!Enum.IsDefined(role))
        {
            throw new OperationRefusedException("invalid_request", "The role must be viewer, operator or admin.");
        }

        var (login, name) = ValidateNewOperator(loginId, displayName);
        var secrets = NewSecrets();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await BeginLockedAsync(connection, cancellationToken);
            var created = await InsertAsync(connection, transaction, login, name, role, secrets, actor.LoginId, actor.ToAuditActor(), why, firstAdmin: false, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Credentials(created, secrets);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secrets.Seed);
        }
    }

    /// <summary>Every operator, active ones first, then by login ID.</summary>
    public async Task<IReadOnlyList<OperatorSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM operators ORDER BY CASE status WHEN 'active' THEN 0 ELSE 1 END, login_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var operators = new List<OperatorSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            operators.Add(Read(reader));
        }

        return operators;
    }

    public async Task<OperatorSummary?> FindAsync(Guid operatorId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM operators WHERE id = $1");
        command.Parameters.AddWithValue(operatorId);
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>The operator with this login ID (compared in lower case), or null.</summary>
    public async Task<OperatorSummary?> FindByLoginIdAsync(string? loginId, CancellationToken cancellationToken)
    {
        if (!OperatorInput.TryNormalizeLoginId(loginId, out var login))
        {
            return null;
        }

        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM operators WHERE login_id = $1");
        command.Parameters.AddWithValue(login);
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>An admin changes another operator's role; it takes effect on their next request (sessions re-read it).</summary>
    public Task<OperatorSummary> ChangeRoleAsync(OperatorActor actor, Guid operatorId, OperatorRole role, string reason, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(role))
        {
            throw new OperationRefusedException("invalid_request", "The role must be viewer, operator or admin.");
        }

        return ChangeAsync(actor, operatorId, reason, async (connection, transaction, target, why) =>
        {
            if (target.Role == role)
            {
                throw new OperationRefusedException("conflict", $"{target.LoginId} is {role.ToName()} already.");
            }

            await RefuseLosingLastAdminAsync(connection, transaction, target, cancellationToken);
            await ExecuteAsync(connection, transaction, "UPDATE operators SET role = $2 WHERE id = $1", cancellationToken, target.Id, role.ToName());
            return (OperatorAuditEvents.OperatorRoleChanged, new JsonObject { ["from"] = target.Role.ToName(), ["to"] = role.ToName(), ["reason"] = why });
        }, cancellationToken);
    }

    /// <summary>An admin switches another operator off: their console session ends at its next request, their API keys stop at once.</summary>
    public Task<OperatorSummary> DisableAsync(OperatorActor actor, Guid operatorId, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(actor, operatorId, reason, async (connection, transaction, target, why) =>
        {
            if (target.Status == OperatorStatus.Disabled)
            {
                throw new OperationRefusedException("conflict", $"{target.LoginId} is disabled already.");
            }

            await RefuseLosingLastAdminAsync(connection, transaction, target, cancellationToken);
            await ExecuteAsync(connection, transaction, "UPDATE operators SET status = 'disabled', status_changed_at = $2 WHERE id = $1",
                cancellationToken, target.Id, clock.GetUtcNow());
            return (OperatorAuditEvents.OperatorDisabled, new JsonObject { ["previous_status"] = target.Status.ToName(), ["reason"] = why });
        }, cancellationToken);

    /// <summary>An admin makes a stopped (locked) or disabled operator active again, with a fresh failure counter.</summary>
    public Task<OperatorSummary> ReactivateAsync(OperatorActor actor, Guid operatorId, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(actor, operatorId, reason, async (connection, transaction, target, why) =>
        {
            if (target.Status == OperatorStatus.Active)
            {
                throw new OperationRefusedException("conflict", $"{target.LoginId} is active already.");
            }

            await ExecuteAsync(connection, transaction,
                "UPDATE operators SET status = 'active', consecutive_failures = 0, status_changed_at = $2 WHERE id = $1",
                cancellationToken, target.Id, clock.GetUtcNow());
            return (OperatorAuditEvents.OperatorReactivated, new JsonObject
            {
                ["previous_status"] = target.Status.ToName(), ["consecutive_failures"] = target.ConsecutiveFailures, ["reason"] = why,
            });
        }, cancellationToken);

    /// <summary>
    /// An admin gives another operator a new generated password and TOTP seed (lost phone, forgotten password), returned
    /// this once. The old ones stop working at once, and every open console session of the operator ends (the
    /// credential stamp moves). The status is not changed: a stopped operator also needs <see cref="ReactivateAsync"/>.
    /// The admin has seen the new password, so the operator must replace it at their next login (must_change_password).
    /// </summary>
    public async Task<OperatorCredentials> ResetCredentialsAsync(OperatorActor actor, Guid operatorId, string reason, CancellationToken cancellationToken)
    {
        var secrets = NewSecrets();
        try
        {
            var summary = await ChangeAsync(actor, operatorId, reason, async (connection, transaction, target, why) =>
            {
                await ExecuteAsync(connection, transaction, """
                    -- GREATEST: the stamp moves even when the clock has not (two changes in one microsecond, a held test clock).
                    UPDATE operators SET password_hash = $2, protected_totp_seed = $3, last_totp_step = NULL, consecutive_failures = 0,
                                         must_change_password = true, password_changed_at = GREATEST($4, password_changed_at + interval '1 microsecond')
                    WHERE id = $1
                    """, cancellationToken, target.Id, secrets.PasswordHash, seedProtector.Protect(secrets.Seed), clock.GetUtcNow());
                return (OperatorAuditEvents.OperatorCredentialsReset, new JsonObject { ["reason"] = why });
            }, cancellationToken);
            return Credentials(summary, secrets);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secrets.Seed);
        }
    }

    /// <summary>
    /// An operator replaces their own password, from their console session. The current password is checked first: a
    /// wrong one changes nothing and counts toward the lockout exactly as a failed login does (the attempt that reaches
    /// the limit stops the operator, and their session ends). The new one must keep <see cref="OperatorPasswordRules"/>;
    /// it is stored as a <see cref="SecretHasher"/> hash, must_change_password is cleared and the credential stamp
    /// (password_changed_at) moves, so every other console session of the operator ends at its next request; the caller
    /// re-issues the current session with <see cref="OperatorPasswordChangeResult.Session"/>. The failure counter is not
    /// reset here: only a complete login (password and code) resets it. Admin API keys are not touched.
    /// </summary>
    public async Task<OperatorPasswordChangeResult> ChangeOwnPasswordAsync(
        Guid operatorId, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        string loginId, storedHash;
        await using (var find = dataSource.CreateCommand("SELECT login_id, password_hash, status FROM operators WHERE id = $1"))
        {
            find.Parameters.AddWithValue(operatorId);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || OperatorStatuses.Parse(reader.GetString(2)) != OperatorStatus.Active)
            {
                // Nothing is counted: the session of a stopped, disabled or removed operator ends at this request anyway.
                return OperatorPasswordChangeResult.Of(OperatorPasswordChangeOutcome.Stopped);
            }

            loginId = reader.GetString(0);
            storedHash = reader.GetString(1);
        }

        // Both checks before any transaction opens: PBKDF2 takes a while. Every rule the new password breaks is reported
        // either way; whether the current password was right is answered only once its failure is counted.
        var typed = currentPassword is { Length: > 0 and <= OperatorPasswordRules.MaxLength } ? currentPassword : "";
        var right = SecretHasher.Verify(typed, storedHash) && typed.Length > 0;
        var problems = OperatorPasswordRules.Problems(newPassword, loginId, currentPassword);
        if (!right)
        {
            return OperatorPasswordChangeResult.Of(await RecordWrongCurrentPasswordAsync(operatorId, cancellationToken), problems);
        }

        if (problems.Count > 0)
        {
            return OperatorPasswordChangeResult.Of(OperatorPasswordChangeOutcome.NewPasswordRefused, problems);
        }

        var newHash = SecretHasher.Hash(newPassword!);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        OperatorSessionState? changed = null;
        var required = false;
        await using (var update = new NpgsqlCommand($"""
            WITH before AS (SELECT id AS before_id, must_change_password AS was_required FROM operators WHERE id = $1 FOR UPDATE)
            UPDATE operators SET password_hash = $2, must_change_password = false,
                                 password_changed_at = GREATEST($3, password_changed_at + interval '1 microsecond')
            FROM before
            WHERE id = before_id AND status = 'active' AND password_hash = $4
            RETURNING {OperatorAuthenticator.SessionColumns}, was_required
            """, connection, transaction))
        {
            update.Parameters.AddWithValue(operatorId);
            update.Parameters.AddWithValue(newHash);
            update.Parameters.AddWithValue(now);
            update.Parameters.AddWithValue(storedHash);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                changed = OperatorAuthenticator.ReadSession(reader);
                required = reader.GetBoolean(7);
            }
        }

        if (changed is null)
        {
            // Between the check and the update the password was reset or changed in another session, or the operator
            // was stopped: what was checked is no longer the current password. Nothing changes; that session is over.
            return OperatorPasswordChangeResult.Of(OperatorPasswordChangeOutcome.Stopped);
        }

        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            OperatorAuditEvents.OperatorPasswordChanged, now, AuditActorKinds.Operator, loginId,
            Detail: new JsonObject
            {
                ["operator_id"] = operatorId.ToString(), ["login_id"] = loginId, ["was_required"] = required, ["other_sessions_ended"] = true,
            }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new OperatorPasswordChangeResult(OperatorPasswordChangeOutcome.Changed, [], changed);
    }

    /// <summary>The role and reason checks every admin change makes, before anything is read.</summary>
    internal static string RequireAdmin(OperatorActor actor, string? reason)
    {
        ArgumentNullException.ThrowIfNull(actor);

        // Defence in depth behind the console's and the admin API's policies: the store checks the role itself.
        if (!actor.Role.Allows(OperatorRole.Admin))
        {
            throw new OperationRefusedException("forbidden", "Only an admin manages operators and their API keys.");
        }

        return OperatorReason.TryNormalize(reason, out var why)
            ? why
            : throw new OperationRefusedException("invalid_reason",
                $"A reason of {OperatorReason.MinLength} to {OperatorReason.MaxLength} characters is required; it goes into the audit trail.");
    }

    /// <summary>Opens a transaction that holds the operator accounts' lock until it ends.</summary>
    internal static async Task<NpgsqlTransaction> BeginLockedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction);
        take.Parameters.AddWithValue(AccountsLockKey);
        await take.ExecuteNonQueryAsync(cancellationToken);
        return transaction;
    }

    internal static OperatorSummary Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        OperatorRoles.TryParse(reader.GetString(3), out var role) ? role : 0,
        OperatorStatuses.Parse(reader.GetString(4)),
        reader.GetInt32(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        reader.GetBoolean(11));

    private async Task<OperatorSummary> ChangeAsync(
        OperatorActor actor, Guid operatorId, string reason,
        Func<NpgsqlConnection, NpgsqlTransaction, OperatorSummary, string, Task<(string EventType, JsonObject Detail)>> change,
        CancellationToken cancellationToken)
    {
        var why = RequireAdmin(actor, reason);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await BeginLockedAsync(connection, cancellationToken);
        OperatorSummary target;
        await using (var find = new NpgsqlCommand($"SELECT {Columns} FROM operators WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            find.Parameters.AddWithValue(operatorId);
            target = await ReadOneAsync(find, cancellationToken) ?? throw new OperationRefusedException("not_found", "No operator has this id.");
        }

        // An admin cannot demote, disable or reset themselves: another admin must, so one person's slip (or one stolen
        // session) cannot lock the bank out of its own console.
        if (target.Id == actor.OperatorId)
        {
            throw new OperationRefusedException("same_operator", "Another admin must make this change to your own account.");
        }

        var (eventType, detail) = await change(connection, transaction, target, why);
        detail["operator_id"] = target.Id.ToString();
        detail["login_id"] = target.LoginId;
        var auditActor = actor.ToAuditActor();
        OperatorSummary changed;
        await using (var read = new NpgsqlCommand($"SELECT {Columns} FROM operators WHERE id = $1", connection, transaction))
        {
            read.Parameters.AddWithValue(target.Id);
            changed = (await ReadOneAsync(read, cancellationToken))!;
        }

        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(eventType, clock.GetUtcNow(), auditActor.Kind, auditActor.Id, Detail: detail), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>One failure toward the operator's lockout, with its audit event (and operator_stopped when it reaches the limit).</summary>
    private async Task<OperatorPasswordChangeOutcome> RecordWrongCurrentPasswordAsync(Guid operatorId, CancellationToken cancellationToken)
    {
        const string factor = "current_password";
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (failures, stoppedNow, loginId) = await OperatorLockout.CountFailureAsync(
            connection, transaction, operatorId, options.Value.MaxConsecutiveFailures, now, cancellationToken);
        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            OperatorAuditEvents.OperatorPasswordChangeFailed, now, AuditActorKinds.Operator, loginId,
            Detail: new JsonObject
            {
                ["factor"] = factor, ["operator_id"] = operatorId.ToString(), ["login_id"] = loginId, ["consecutive_failures"] = failures,
            }), cancellationToken);
        if (stoppedNow)
        {
            await OperatorLockout.AppendStoppedAsync(auditTrail, connection, transaction, operatorId, loginId, failures, factor, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (stoppedNow)
        {
            OperatorLockout.LogOperatorStopped(logger, loginId!, failures!.Value);
        }

        return failures is null || stoppedNow ? OperatorPasswordChangeOutcome.Stopped : OperatorPasswordChangeOutcome.CurrentPasswordWrong;
    }

    /// <summary>Refuses a change that would take the last active admin away (nobody could manage operators any more).</summary>
    private static async Task RefuseLosingLastAdminAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorSummary target, CancellationToken cancellationToken)
    {
        if (target is { Role: OperatorRole.Admin, Status: OperatorStatus.Active }
            && await ActiveAdminCountAsync(connection, transaction, target.Id, cancellationToken) == 0)
        {
            throw new OperationRefusedException("conflict", $"{target.LoginId} is the last active admin; make another admin first.");
        }
    }

    private static async Task<long> ActiveAdminCountAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid? except, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM operators WHERE role = 'admin' AND status = 'active' AND id IS DISTINCT FROM $1", connection, transaction);
        count.Parameters.Add(new NpgsqlParameter { Value = (object?)except ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<OperatorSummary> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string loginId, string displayName, OperatorRole role, NewOperatorSecrets secrets,
        string createdBy, AuditActor actor, string? reason, bool firstAdmin, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM operators WHERE login_id = $1", connection, transaction))
        {
            exists.Parameters.AddWithValue(loginId);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                throw new OperationRefusedException("conflict", $"An operator with the login ID '{loginId}' exists already.");
            }
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO operators (id, login_id, display_name, role, status, password_hash, protected_totp_seed, created_at, created_by, password_changed_at,
                                   must_change_password)
            VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, $7, true)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(loginId);
            insert.Parameters.AddWithValue(displayName);
            insert.Parameters.AddWithValue(role.ToName());
            insert.Parameters.AddWithValue(secrets.PasswordHash);
            insert.Parameters.AddWithValue(seedProtector.Protect(secrets.Seed));
            insert.Parameters.AddWithValue(now);
            insert.Parameters.AddWithValue(createdBy.Length > 200 ? createdBy[..200] : createdBy);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var detail = new JsonObject
        {
            ["operator_id"] = id.ToString(), ["login_id"] = loginId, ["display_name"] = displayName, ["role"] = role.ToName(),
        };
        if (reason is not null)
        {
            detail["reason"] = reason;
        }

        if (firstAdmin)
        {
            detail["first_admin"] = true;
        }

        OperatorSummary created;
        await using (var read = new NpgsqlCommand($"SELECT {Columns} FROM operators WHERE id = $1", connection, transaction))
        {
            read.Parameters.AddWithValue(id);
            created = (await ReadOneAsync(read, cancellationToken))!;
        }

        // Last, just before the commit: the chain's head stays locked until then.
        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(OperatorAuditEvents.OperatorCreated, now, actor.Kind, actor.Id, Detail: detail), cancellationToken);
        return created;
    }

    private static (string LoginId, string DisplayName) ValidateNewOperator(string loginId, string displayName)
    {
        if (!OperatorInput.TryNormalizeLoginId(loginId, out var login))
        {
            throw new OperationRefusedException("invalid_request", "The login ID must be 3 to 32 of a-z, 0-9, '.', '_' and '-'.");
        }

        if (!OperatorInput.TryNormalizeName(displayName, OperatorInput.MaxDisplayNameLength, out var name))
        {
            throw new OperationRefusedException("invalid_request", $"The name must be 1 to {OperatorInput.MaxDisplayNameLength} characters.");
        }

        return (login, name);
    }

    /// <summary>The password is hashed before any transaction opens: PBKDF2 takes a while, and the accounts' lock should not.</summary>
    private static NewOperatorSecrets NewSecrets()
    {
        var password = OperatorSecrets.NewPassword();
        return new NewOperatorSecrets(password, SecretHasher.Hash(password), OperatorSecrets.NewTotpSeed());
    }

    private OperatorCredentials Credentials(OperatorSummary summary, NewOperatorSecrets secrets) => new(
        summary, secrets.Password, Base32.Encode(secrets.Seed), OtpAuthUri.Build(options.Value.OtpIssuer, summary.LoginId, secrets.Seed));

    private static async Task<OperatorSummary?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record NewOperatorSecrets(string Password, string PasswordHash, byte[] Seed)
    {
        public override string ToString() => "NewOperatorSecrets { }";
    }
}
