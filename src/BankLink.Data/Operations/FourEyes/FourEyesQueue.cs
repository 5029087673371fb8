using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BankLink.Data.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Operators;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.Data.Operations.FourEyes;

/// <summary>
/// The four-eyes rule (issue 6): an action the bank configures (<see cref="FourEyesPolicy"/>) is not done by the
/// operator who asks for it. It is stored as pending, with its reason, and a different operator with at least the
/// action's role approves it within <see cref="RequestLifetime"/> or rejects it. Every step is audited
/// (<c>four_eyes_requested</c>, <c>four_eyes_approved</c>, <c>four_eyes_rejected</c>, <c>four_eyes_expired</c>) in the
/// same transaction as the change.
/// <para>
/// The queue stores and decides; it does not run actions. The executing layer does:
/// <code>
/// if (policy.Requires(action)) return await queue.RequestAsync(actor, request, reason, ct);   // 202: waiting for approval
/// else run the action now with actor and reason;
/// // later, another operator:
/// var approved = await queue.ApproveAsync(approver, id, comment, ct);
/// run approved.Action with approved.Payload, actor = approver, reason = approved.ExecutionReason
/// </code>
/// <see cref="CustomerActionExecutor"/> does that last step for the customer actions.
/// </para>
/// <para>
/// The events name the target's customer or provider in their detail, not in the event's customer and provider
/// columns. A customer's "my links" page lists every event in the customer column, and these steps are bank-internal.
/// </para>
/// </summary>
public sealed partial class FourEyesQueue(NpgsqlDataSource dataSource, AuditTrail audit, TimeProvider clock)
{
    public static readonly TimeSpan RequestLifetime = TimeSpan.FromHours(24);

    public const int MaxTargetLength = 500;

    public const int MaxPayloadBytes = 8192;

    public const string Requested = "four_eyes_requested";
    public const string Approved = "four_eyes_approved";
    public const string Rejected = "four_eyes_rejected";
    public const string Expired = "four_eyes_expired";

    private const string Columns = """
        id, action, required_role, target, customer_id, provider_id, payload::text, reason, requested_by_id, requested_by, requested_at, expires_at,
        status, decided_by_id, decided_by, decided_at, decision_reason
        """;

    /// <summary>
    /// Stores the request as pending for <see cref="RequestLifetime"/>. The requester needs the action's role themselves
    /// and gives the reason that the action will carry.
    /// </summary>
    public async Task<PendingOperatorAction> RequestAsync(OperatorActor actor, OperatorActionRequest request, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        if (!OperatorActionNames.IsKnown(request.Action))
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"'{request.Action}' is no operator action.");
        }

        var role = OperatorActionNames.RequiredRole(request.Action);
        OperatorGuard.RequireRole(actor, role, $"Requesting {request.Action}");
        var why = OperatorGuard.RequireReason(reason);
        var target = (request.Target ?? "").Trim();
        if (target.Length is 0 or > MaxTargetLength || target.Any(char.IsControl))
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"Describe the target in 1 to {MaxTargetLength} characters on one line.");
        }

        var payload = CheckPayload(request.Payload);
        var now = clock.GetUtcNow();
        var pending = new PendingOperatorAction(Guid.CreateVersion7(now), request.Action, role, target, request.CustomerId, request.ProviderId,
            payload, why, actor.OperatorId, actor.LoginId, now, now + RequestLifetime, PendingActionStatus.Pending, null, null, null, null);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO pending_operator_actions (id, action, required_role, target, customer_id, provider_id, payload, reason,
                                                  requested_by_id, requested_by, requested_at, expires_at, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, 'pending')
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue(pending.Id);
            insert.Parameters.AddWithValue(pending.Action);
            insert.Parameters.AddWithValue(role.ToName());
            insert.Parameters.AddWithValue(target);
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)pending.CustomerId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)pending.ProviderId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            insert.Parameters.AddWithValue(payload.ToJsonString());
            insert.Parameters.AddWithValue(why);
            insert.Parameters.AddWithValue(pending.RequestedById);
            insert.Parameters.AddWithValue(pending.RequestedBy);
            insert.Parameters.AddWithValue(now);
            insert.Parameters.AddWithValue(pending.ExpiresAt);
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw OperatorGuard.Missing("No customer or provider has that id.");
            }
        }

        await audit.AppendAsync(connection, transaction, Event(Requested, now, actor, pending, new JsonObject
        {
            ["reason"] = why,
            ["expires_at"] = pending.ExpiresAt.ToString("O"),
        }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return pending;
    }

    /// <summary>
    /// Approves a pending request, claims its execution for the approver in the same transaction, and returns it for
    /// the caller to execute (<see cref="OperatorActions.ApproveAsync"/>, the only caller). The approver is a different operator
    /// (<c>same_operator</c>) with at least the action's role (<c>forbidden</c>). A request already decided is
    /// <c>conflict</c>. An expired one is marked expired and is <c>conflict</c> too.
    /// </summary>
    public Task<PendingOperatorAction> ApproveAsync(OperatorActor actor, Guid requestId, string? reason, CancellationToken cancellationToken) =>
        DecideAsync(actor, requestId, reason, approve: true, cancellationToken);

    /// <summary>
    /// Rejects a pending request: an operator with at least the action's role, or the requester withdrawing their own.
    /// </summary>
    public Task<PendingOperatorAction> RejectAsync(OperatorActor actor, Guid requestId, string? reason, CancellationToken cancellationToken) =>
        DecideAsync(actor, requestId, reason, approve: false, cancellationToken);

    /// <summary>The requests waiting for a decision (not yet expired), newest first. Any operator role may read them.</summary>
    public async Task<IReadOnlyList<PendingOperatorAction>> ListPendingAsync(OperatorActor actor, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Viewer, "Listing four-eyes requests");
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM pending_operator_actions
            WHERE status = 'pending' AND expires_at > $1
            ORDER BY requested_at DESC, id
            LIMIT 500
            """);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<PendingOperatorAction>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(Read(reader));
        }

        return found;
    }

    /// <summary>One request in any state; <c>not_found</c> for an unknown id.</summary>
    public async Task<PendingOperatorAction> GetAsync(OperatorActor actor, Guid requestId, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Viewer, "Reading a four-eyes request");
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM pending_operator_actions WHERE id = $1");
        command.Parameters.AddWithValue(requestId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : throw OperatorGuard.Missing("No four-eyes request has that id.");
    }

    /// <summary>
    /// Marks every pending request past its expiry as expired, with a <c>four_eyes_expired</c> event each (actor system);
    /// for a background job. Listing and deciding already treat them as expired, so this only tidies the record.
    /// </summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var expired = new List<PendingOperatorAction>();
        await using (var update = new NpgsqlCommand($"""
            UPDATE pending_operator_actions SET status = 'expired', decided_at = $1
            WHERE id IN (SELECT id FROM pending_operator_actions WHERE status = 'pending' AND expires_at <= $1 ORDER BY id LIMIT 1000 FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """, connection, transaction))
        {
            update.Parameters.AddWithValue(now);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                expired.Add(Read(reader));
            }
        }

        if (expired.Count > 0)
        {
            await audit.AppendManyAsync(connection, transaction,
                [.. expired.Select(p => Event(Expired, now, null, p, new JsonObject { ["expired_at"] = p.ExpiresAt.ToString("O") }))], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return expired.Count;
    }

    private async Task<PendingOperatorAction> DecideAsync(OperatorActor actor, Guid requestId, string? reason, bool approve, CancellationToken cancellationToken)
    {
        // Every action needs at least the operator role, so a viewer is refused before anything is read.
        OperatorGuard.RequireRole(actor, OperatorRole.Operator, approve ? "Approving a four-eyes request" : "Rejecting a four-eyes request");
        var why = OperatorGuard.RequireReason(reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        PendingOperatorAction pending;
        await using (var select = new NpgsqlCommand($"SELECT {Columns} FROM pending_operator_actions WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue(requestId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            pending = await reader.ReadAsync(cancellationToken) ? Read(reader) : throw OperatorGuard.Missing("No four-eyes request has that id.");
        }

        var own = IsRequester(actor, pending);
        if (approve || !own)
        {
            OperatorGuard.RequireRole(actor, pending.RequiredRole, approve ? $"Approving {pending.Action}" : $"Rejecting {pending.Action}");
        }

        if (pending.Status != PendingActionStatus.Pending)
        {
            throw new OperationRefusedException(OperatorGuard.Conflict, $"The request was already {pending.Status.ToString().ToLowerInvariant()}.");
        }

        if (approve && own)
        {
            throw new OperationRefusedException(OperatorGuard.SameOperator, "Another operator must approve a request: four eyes.");
        }

        if (pending.ExpiresAt <= now)
        {
            await SetStatusAsync(connection, transaction, requestId, "expired", null, now, null, cancellationToken);
            await audit.AppendAsync(connection, transaction, Event(Expired, now, null, pending, new JsonObject { ["expired_at"] = pending.ExpiresAt.ToString("O") }),
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            throw new OperationRefusedException(OperatorGuard.Conflict, "The request expired: ask again.");
        }

        await SetStatusAsync(connection, transaction, requestId, approve ? "approved" : "rejected", actor, now, why, cancellationToken);
        if (approve)
        {
            // The approver's execution is claimed in the approval's own transaction (migration 0020): an approved
            // request is never left unclaimed, and no second execution can claim it.
            await using var claim = new NpgsqlCommand("UPDATE pending_operator_actions SET executed_at = $2, executed_by = $3 WHERE id = $1", connection, transaction);
            claim.Parameters.AddWithValue(requestId);
            claim.Parameters.AddWithValue(now);
            claim.Parameters.AddWithValue(actor.LoginId);
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }

        await audit.AppendAsync(connection, transaction, Event(approve ? Approved : Rejected, now, actor, pending, new JsonObject
        {
            ["reason"] = why,
            ["requested_by"] = pending.RequestedBy,
            ["withdrawn"] = !approve && own,
        }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return pending with
        {
            Status = approve ? PendingActionStatus.Approved : PendingActionStatus.Rejected,
            DecidedById = actor.OperatorId,
            DecidedBy = actor.LoginId,
            DecidedAt = now,
            DecisionReason = why,
        };
    }

    /// <summary>
    /// The same person: by operator id, or by login ID. Commands run as <see cref="OperatorActor.Command"/> share the
    /// empty id, so only their names tell them apart.
    /// </summary>
    private static bool IsRequester(OperatorActor actor, PendingOperatorAction pending) =>
        (actor.OperatorId != Guid.Empty && actor.OperatorId == pending.RequestedById)
        || string.Equals(actor.LoginId, pending.RequestedBy, StringComparison.OrdinalIgnoreCase);

    private static async Task SetStatusAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string status, OperatorActor? decider,
        DateTimeOffset now, string? reason, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE pending_operator_actions SET status = $2, decided_by_id = $3, decided_by = $4, decided_at = $5, decision_reason = $6 WHERE id = $1
            """, connection, transaction);
        update.Parameters.AddWithValue(id);
        update.Parameters.AddWithValue(status);
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)decider?.OperatorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)decider?.LoginId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        update.Parameters.AddWithValue(now);
        update.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static AuditEvent Event(string type, DateTimeOffset now, OperatorActor? actor, PendingOperatorAction pending, JsonObject detail)
    {
        detail["request_id"] = pending.Id.ToString();
        detail["action"] = pending.Action;
        detail["target"] = pending.Target;
        if (pending.CustomerId is { } customerId)
        {
            detail["customer_id"] = customerId.ToString();
        }

        if (pending.ProviderId is { } providerId)
        {
            detail["provider_id"] = providerId.ToString();
        }

        return actor is null
            ? new AuditEvent(type, now, AuditActorKinds.System, "four-eyes", Detail: detail)
            : new AuditEvent(type, now, AuditActorKinds.Operator, actor.LoginId, Detail: detail);
    }

    /// <summary>
    /// The payload is stored in the clear and shown to approvers, so it must never carry a secret. Keys that name one
    /// are refused anywhere in the document, and so are values shaped like an onboarding token.
    /// </summary>
    private static JsonObject CheckPayload(JsonObject? payload)
    {
        if (payload is null)
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, "A four-eyes request needs a payload (a JSON object).");
        }

        var copy = payload.DeepClone().AsObject();
        if (System.Text.Encoding.UTF8.GetByteCount(copy.ToJsonString()) > MaxPayloadBytes)
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"A four-eyes payload is at most {MaxPayloadBytes} bytes.");
        }

        if (FindSecret(copy) is { } where)
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"A four-eyes payload never holds a secret ('{where}').");
        }

        return copy;
    }

    private static string? FindSecret(JsonNode? node) => node switch
    {
        JsonObject o => o.Select(p => IsSecretName(p.Key) ? p.Key : FindSecret(p.Value)).FirstOrDefault(found => found is not null),
        JsonArray a => a.Select(FindSecret).FirstOrDefault(found => found is not null),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && OnboardingTokenShape().IsMatch(v.GetValue<string>()) => "a value shaped like an onboarding token",
        _ => null,
    };

    internal static bool IsSecretName(string key)
    {
        var name = key.ToLowerInvariant().Replace('-', '_');
        return name.Contains("password", StringComparison.Ordinal) || name.Contains("passcode", StringComparison.Ordinal)
            || name.Contains("secret", StringComparison.Ordinal) || name.Contains("seed", StringComparison.Ordinal)
            || name.Contains("private_key", StringComparison.Ordinal)
            || name is "pin" or "token" or "otp" or "otp_code" || name.EndsWith("_pin", StringComparison.Ordinal) || name.EndsWith("_token", StringComparison.Ordinal);
    }

    private static PendingOperatorAction Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        OperatorRoles.TryParse(reader.GetString(2), out var role) ? role : OperatorRole.Admin,
        reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetGuid(4),
        reader.IsDBNull(5) ? null : reader.GetGuid(5),
        JsonNode.Parse(reader.GetString(6))!.AsObject(),
        reader.GetString(7),
        reader.GetGuid(8),
        reader.GetString(9),
        reader.GetFieldValue<DateTimeOffset>(10),
        reader.GetFieldValue<DateTimeOffset>(11),
        reader.GetString(12) switch
        {
            "pending" => PendingActionStatus.Pending,
            "approved" => PendingActionStatus.Approved,
            "rejected" => PendingActionStatus.Rejected,
            _ => PendingActionStatus.Expired,
        },
        reader.IsDBNull(13) ? null : reader.GetGuid(13),
        reader.IsDBNull(14) ? null : reader.GetString(14),
        reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
        reader.IsDBNull(16) ? null : reader.GetString(16));

    [GeneratedRegex(@"^[0-9A-Za-z]{8}@[0-9A-Za-z]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex OnboardingTokenShape();
}
