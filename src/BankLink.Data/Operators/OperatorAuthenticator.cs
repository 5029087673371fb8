using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Customers;
using BankLink.Domain.Operators;
using BankLink.Domain.Otp;
using BankLink.Domain.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Operators;

/// <summary>What a console login step tells the page; a wrong answer never says which factor was wrong.</summary>
public enum OperatorLoginOutcome
{
    /// <summary>Every factor of this step was right.</summary>
    Accepted,

    /// <summary>Something was wrong: the login ID, the password or the code, never said which.</summary>
    Wrong,

    /// <summary>The operator is stopped or disabled, whatever was typed; only an admin re-activates.</summary>
    Stopped,

    /// <summary>Too many failures from this client address; nothing was checked and no counter moved.</summary>
    Throttled,
}

/// <summary>A login step's answer: step one gives the operator to ask the code of, step two the session to open.</summary>
public sealed record OperatorLoginResult(OperatorLoginOutcome Outcome, Guid? OperatorId = null, OperatorSessionState? Session = null)
{
    public static OperatorLoginResult Of(OperatorLoginOutcome outcome) => new(outcome);
}

/// <summary>
/// Proves who an operator is: login ID and password, then a TOTP code (RFC 6238, ±1 step, each step accepted once).
/// Built like <see cref="CustomerAuthenticator"/>: the client address's throttle first (someone guessing cannot lock
/// operators out in bulk), a stopped or disabled operator answered Stopped whatever was typed (no oracle for the
/// password), one failure counter for both factors that returns to zero only after a complete login, and
/// <see cref="OperatorSecurityOptions.MaxConsecutiveFailures"/> failures in a row stop the operator.
/// </summary>
public sealed class OperatorAuthenticator(
    NpgsqlDataSource dataSource,
    ClientAddressThrottle throttle,
    OperatorSeedProtector seedProtector,
    AuditTrail auditTrail,
    IOptions<OperatorSecurityOptions> options,
    TimeProvider clock,
    ILogger<OperatorAuthenticator> logger)
{
    /// <summary>Checked when the login ID is unknown, so that answer takes as long as a wrong password.</summary>
    private static readonly Lazy<string> DecoyHash = new(() => SecretHasher.Hash(Guid.NewGuid().ToString()));

    private const int MaxSecretLength = 128;

    /// <summary>
    /// Step one. Accepted means "ask for the code" and nothing more: the counter is not reset (or alternating "right
    /// password, wrong code" would guess codes for ever). The page carries <see cref="OperatorLoginResult.OperatorId"/>
    /// to step two in server-protected state only.
    /// </summary>
    public async Task<OperatorLoginResult> CheckPasswordAsync(string? loginId, string? password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var address = await throttle.HashAsync(clientAddress, cancellationToken);
        if (await throttle.IsThrottledAsync(address, cancellationToken))
        {
            return OperatorLoginResult.Of(OperatorLoginOutcome.Throttled);
        }

        var candidate = await FindCredentialsAsync(loginId, cancellationToken);
        var typed = password is { Length: > 0 and <= MaxSecretLength } ? password : "";
        var right = SecretHasher.Verify(typed, candidate?.PasswordHash ?? DecoyHash.Value) && candidate is not null && typed.Length > 0;
        if (candidate is not null && candidate.Status != OperatorStatus.Active)
        {
            return OperatorLoginResult.Of(await RecordFailureAsync(candidate.Id, "password", address, cancellationToken));
        }

        return right
            ? new OperatorLoginResult(OperatorLoginOutcome.Accepted, candidate!.Id)
            : OperatorLoginResult.Of(await RecordFailureAsync(candidate?.Id, "password", address, cancellationToken));
    }

    /// <summary>
    /// Step two: the code the operator's authenticator shows. Accepted means logged in: the time step is spent, the counter
    /// reset, last_login_at set and operator_login recorded, in one transaction.
    /// </summary>
    public async Task<OperatorLoginResult> CheckCodeAsync(Guid operatorId, string? code, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var address = await throttle.HashAsync(clientAddress, cancellationToken);
        if (await throttle.IsThrottledAsync(address, cancellationToken))
        {
            return OperatorLoginResult.Of(OperatorLoginOutcome.Throttled);
        }

        var known = false;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            OperatorSessionState? state = null;
            string? protectedSeed = null;
            long? lastStep = null;
            await using (var find = new NpgsqlCommand($"""
                SELECT {SessionColumns}, protected_totp_seed, last_totp_step FROM operators WHERE id = $1 FOR UPDATE
                """, connection, transaction))
            {
                find.Parameters.AddWithValue(operatorId);
                await using var reader = await find.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    state = ReadSession(reader);
                    protectedSeed = reader.GetString(SessionColumnCount);
                    lastStep = reader.IsDBNull(SessionColumnCount + 1) ? null : reader.GetInt64(SessionColumnCount + 1);
                }
            }

            known = state is not null;
            if (state is { Status: OperatorStatus.Active } && MatchingStep(protectedSeed!, code) is { } step
                // RFC 6238 §5.2: a code is accepted once; an earlier step than one already used is refused too. The row
                // is locked, so two nodes given the same code at once cannot both get past this line.
                && (lastStep is null || step > lastStep))
            {
                var now = clock.GetUtcNow();
                await using (var accept = new NpgsqlCommand("""
                    UPDATE operators SET last_totp_step = $2, consecutive_failures = 0, last_login_at = $3 WHERE id = $1
                    """, connection, transaction))
                {
                    accept.Parameters.AddWithValue(operatorId);
                    accept.Parameters.AddWithValue(step);
                    accept.Parameters.AddWithValue(now);
                    await accept.ExecuteNonQueryAsync(cancellationToken);
                }

                await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
                    OperatorAuditEvents.OperatorLogin, now, AuditActorKinds.Operator, state.LoginId,
                    Detail: new JsonObject { ["operator_id"] = state.OperatorId.ToString(), ["role"] = state.Role.ToName() }), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new OperatorLoginResult(OperatorLoginOutcome.Accepted, operatorId, state);
            }
        }

        // The transaction above has ended (its row lock too) before the failure is counted in a transaction of its own.
        return OperatorLoginResult.Of(await RecordFailureAsync(known ? operatorId : null, "otp", address, cancellationToken));
    }

    /// <summary>
    /// The operator a console session belongs to, as it is now: the cookie is checked against it on every request, so a
    /// disabled or stopped operator, a changed role, reset credentials or a password still to be changed take effect at once.
    /// </summary>
    public async Task<OperatorSessionState?> FindSessionAsync(Guid operatorId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SessionColumns} FROM operators WHERE id = $1");
        command.Parameters.AddWithValue(operatorId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSession(reader) : null;
    }

    internal const string SessionColumns = "id, login_id, display_name, role, status, password_changed_at, must_change_password";

    private const int SessionColumnCount = 7;

    internal static OperatorSessionState ReadSession(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        OperatorRoles.TryParse(reader.GetString(3), out var role) ? role : 0,
        OperatorStatuses.Parse(reader.GetString(4)),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetBoolean(6));

    private long? MatchingStep(string protectedSeed, string? code)
    {
        var seed = seedProtector.Unprotect(protectedSeed);
        try
        {
            return Totp.Verify(seed, code, clock.GetUtcNow());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// Counts one failed attempt against the client address and, when the login ID is known and active, the operator;
    /// the attempt that reaches the limit stops them. Counting, stopping and their audit events commit together.
    /// </summary>
    private async Task<OperatorLoginOutcome> RecordFailureAsync(Guid? operatorId, string factor, byte[] addressHash, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxConsecutiveFailures;
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await throttle.RecordFailureAsync(connection, transaction, addressHash, cancellationToken);

        int? failures = null;
        string? loginId = null;
        var stoppedNow = false;
        if (operatorId is { } id)
        {
            (failures, stoppedNow, loginId) = await OperatorLockout.CountFailureAsync(connection, transaction, id, max, now, cancellationToken);
        }

        // The login ID typed is recorded only when it names an operator: an unknown one may be a password typed into
        // the wrong field.
        await auditTrail.AppendAsync(connection, transaction, new AuditEvent(
            OperatorAuditEvents.OperatorLoginFailed, now, AuditActorKinds.Operator, loginId,
            Detail: new JsonObject
            {
                ["factor"] = factor,
                ["known_login_id"] = operatorId is not null,
                ["operator_id"] = operatorId?.ToString(),
                ["consecutive_failures"] = failures,
                ["client_address_hash"] = Convert.ToHexStringLower(addressHash.AsSpan(0, 8)),
            }), cancellationToken);

        if (stoppedNow)
        {
            await OperatorLockout.AppendStoppedAsync(auditTrail, connection, transaction, operatorId!.Value, loginId, failures, factor, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (stoppedNow)
        {
            OperatorLockout.LogOperatorStopped(logger, loginId!, failures!.Value);
        }

        return operatorId is null ? OperatorLoginOutcome.Wrong
            : failures is null || stoppedNow ? OperatorLoginOutcome.Stopped
            : OperatorLoginOutcome.Wrong;
    }

    private async Task<OperatorCredentialRecord?> FindCredentialsAsync(string? loginId, CancellationToken cancellationToken)
    {
        if (!OperatorInput.TryNormalizeLoginId(loginId, out var login))
        {
            return null;
        }

        await using var command = dataSource.CreateCommand("SELECT id, password_hash, status FROM operators WHERE login_id = $1");
        command.Parameters.AddWithValue(login);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new OperatorCredentialRecord(reader.GetGuid(0), reader.GetString(1), OperatorStatuses.Parse(reader.GetString(2)))
            : null;
    }

    /// <summary>Never the hash in text: records end up in logs.</summary>
    private sealed record OperatorCredentialRecord(Guid Id, string PasswordHash, OperatorStatus Status)
    {
        public override string ToString() => $"OperatorCredentialRecord {{ Id = {Id}, Status = {Status} }}";
    }
}
