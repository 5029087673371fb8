using System.Text.Json.Nodes;
using BankLink.CoreBanking.DemoLedger;
using BankLink.Data.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.Providers;
using Npgsql;

namespace BankLink.Data.Operations;

/// <summary>
/// What <see cref="OperatorActions"/> did with a mutating action.
/// </summary>
/// <param name="Pending">True when the action waits for a second operator (four-eyes): nothing changed yet.</param>
/// <param name="PendingId">The four-eyes request's id: when <see cref="Pending"/>, and from <see cref="OperatorActions.ApproveAsync"/> (the request just executed).</param>
/// <param name="Result">
/// When pending: the stored <see cref="PendingOperatorAction"/>. When executed: the action's result,
/// a <see cref="CustomerActionOutcome"/> for the customer actions or a <see cref="ProviderActionOutcome"/> for the
/// provider, onboarding-token and service-hours actions.
/// </param>
public sealed record OperatorActionOutcome(bool Pending, Guid? PendingId, object? Result);

/// <summary>The execution of an approved four-eyes request: when, by whom (the approver), and how it ended.</summary>
/// <param name="Outcome">
/// <c>done</c>; <c>refused:&lt;code&gt;</c> (the operation refused it, nothing changed); <c>failed</c> (an error: the action's own
/// audit event tells whether it committed); null while running, or when the caller or the node went away meanwhile.
/// </param>
public sealed record OperatorActionExecution(DateTimeOffset ExecutedAt, string ExecutedBy, string? Outcome);

/// <summary>
/// The one entry point every caller (admin API, console, commands) uses for a mutating operator action, so four-eyes
/// (<see cref="FourEyesPolicy"/>) is applied the same way everywhere:
/// <list type="number">
/// <item><see cref="RunAsync"/> checks the action is known, the actor's role (<see cref="OperatorActionNames.RequiredRole"/>),
/// the reason and the payload; then either stores a four-eyes request (<see cref="OperatorActionOutcome.Pending"/>)
/// or executes the action now as the actor with the reason.</item>
/// <item><see cref="ApproveAsync"/>: a different operator approves (the queue's rules), and the action is executed
/// at once as the approver with <see cref="PendingOperatorAction.ExecutionReason"/>. Execution is at most once: it
/// is claimed on the request's row (<c>executed_at</c>, migration 0020) in the approval's own transaction, so a second approval or a
/// racing retry is <c>conflict</c>. How it ended is recorded in <c>execution_outcome</c>; a refusal at execution
/// (the target changed since the request) is also audited as <c>four_eyes_execution_refused</c> and rethrown.</item>
/// <item><see cref="RejectAsync"/>: rejected by an operator with the action's role, or withdrawn by the requester.</item>
/// </list>
/// Build requests with the static builders of <see cref="CustomerActionExecutor"/> and <see cref="ProviderActionExecutor"/>.
/// Operator management (operator_add and the like) stays on the operator store and is not routed here.
/// </summary>
/// <remarks>
/// Onboarding tokens under four-eyes: a pending payload never holds a secret (the queue refuses one), so the token of
/// an approved <c>onboarding_token_issue</c> or <c>onboarding_token_renew</c> is made at execution time and is in
/// the approver's <see cref="ProviderActionOutcome.IssuedToken"/>: the approver, not the requester, sees it once and
/// hands it over.
/// </remarks>
public sealed class OperatorActions(
    FourEyesPolicy policy,
    FourEyesQueue queue,
    CustomerLinkOperations links,
    CustomerSecurityOperations security,
    AccountStateOperations accounts,
    ProviderActionExecutor providers,
    NpgsqlDataSource dataSource,
    AuditTrail audit,
    TimeProvider clock)
{
    public const string ExecutionRefused = "four_eyes_execution_refused";

    /// <summary>Whether <paramref name="action"/> would wait for a second operator (for a console to say so before the click).</summary>
    public bool RequiresApproval(string action) => policy.Requires(action);

    /// <summary>
    /// Runs <paramref name="request"/> as <paramref name="actor"/>, or stores it for approval when four-eyes applies.
    /// Refusals are <see cref="OperationRefusedException"/> (invalid_request for an unknown action or a bad payload,
    /// forbidden, invalid_reason, and whatever the operation refuses).
    /// </summary>
    public async Task<OperatorActionOutcome> RunAsync(OperatorActor actor, OperatorActionRequest request, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        if (!OperatorActionNames.IsKnown(request.Action) || !Handles(request.Action))
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"'{request.Action}' is no operator action run here.");
        }

        OperatorGuard.RequireRole(actor, OperatorActionNames.RequiredRole(request.Action), $"Doing {request.Action}");
        var why = OperatorGuard.RequireReason(reason);

        // The payload is read before anything is stored, so a request that could never run is refused now.
        var execute = Prepare(request.Action, request.Payload);
        if (policy.Requires(request.Action))
        {
            var pending = await queue.RequestAsync(actor, request, why, cancellationToken);
            return new OperatorActionOutcome(true, pending.Id, pending);
        }

        return new OperatorActionOutcome(false, null, await execute(actor, why, cancellationToken));
    }

    /// <summary>
    /// Approves the four-eyes request <paramref name="pendingId"/> as <paramref name="actor"/> (another operator with
    /// the action's role: same_operator, forbidden) and executes it at once as them. Conflict when it was decided,
    /// expired or executed already.
    /// </summary>
    public async Task<OperatorActionOutcome> ApproveAsync(OperatorActor actor, Guid pendingId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        // Approval and the claim of its execution are one transaction: once approved, the request is executed here
        // and nowhere else (a second approval is a conflict); a node stopping in between leaves it claimed with no
        // outcome, and the action's own audit event says whether it happened.
        var approved = await queue.ApproveAsync(actor, pendingId, reason, cancellationToken);

        // Null when the caller went away meanwhile: whether the action committed is then for its own audit event to say.
        string? outcome = null;
        try
        {
            var execute = Prepare(approved.Action, approved.Payload);
            var result = await execute(actor, approved.ExecutionReason, cancellationToken);
            outcome = "done";
            return new OperatorActionOutcome(false, approved.Id, result);
        }
        catch (OperationRefusedException refused)
        {
            outcome = "refused:" + refused.Code;
            await RecordRefusalAsync(actor, approved, refused, cancellationToken);
            throw new OperationRefusedException(refused.Code, refused.Message) { SpentApprovalId = approved.Id };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcome = "failed";
            throw;
        }
        finally
        {
            if (outcome is not null)
            {
                await RecordOutcomeAsync(approved.Id, outcome);
            }
        }
    }

    /// <summary>Best effort: the claim already makes execution at most once; the outcome is for people reading the request.</summary>
    private async Task RecordOutcomeAsync(Guid id, string outcome)
    {
        try
        {
            await using var update = dataSource.CreateCommand("UPDATE pending_operator_actions SET execution_outcome = $2 WHERE id = $1 AND executed_at IS NOT NULL");
            update.Parameters.AddWithValue(id);
            update.Parameters.AddWithValue(outcome);
            await update.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
        }
    }

    /// <summary>Rejects (or, by the requester, withdraws) the four-eyes request <paramref name="pendingId"/>; returns it as decided.</summary>
    public async Task<PendingOperatorAction> RejectAsync(OperatorActor actor, Guid pendingId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await queue.RejectAsync(actor, pendingId, reason, cancellationToken);
    }

    /// <summary>Whether and how an approved request was executed; null when it was not (or is no request).</summary>
    public async Task<OperatorActionExecution?> GetExecutionAsync(Guid pendingId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT executed_at, executed_by, execution_outcome FROM pending_operator_actions WHERE id = $1 AND executed_at IS NOT NULL");
        command.Parameters.AddWithValue(pendingId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new OperatorActionExecution(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))
            : null;
    }

    /// <summary>Whether <see cref="RunAsync"/> runs <paramref name="action"/> (every customer and provider-side action; not operator management).</summary>
    public static bool Handles(string action) => CustomerActionExecutor.Handles(action) || ProviderActionExecutor.Handles(action);

    private delegate Task<object> Execution(OperatorActor actor, string reason, CancellationToken cancellationToken);

    /// <summary>Reads the payload of <paramref name="action"/> (invalid_request when it lacks something) and returns how to run it.</summary>
    private Execution Prepare(string action, JsonObject? payload)
    {
        if (payload is null)
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, "The action needs a payload (a JSON object).");
        }

        if (ProviderActionExecutor.Handles(action))
        {
            var run = providers.Prepare(action, payload);
            return async (actor, reason, ct) => await run(actor, reason, ct);
        }

        var customerId = ActionPayload.Id(payload, "customer_id");
        switch (action)
        {
            case OperatorActionNames.RevokeLink:
            {
                var grantId = ActionPayload.Id(payload, "grant_id");
                return async (actor, reason, ct) => new CustomerActionOutcome(action, Links: await links.RevokeLinkAsync(actor, customerId, grantId, reason, ct));
            }

            case OperatorActionNames.RemoveLinkAccount:
            {
                var grantId = ActionPayload.Id(payload, "grant_id");
                var accountId = ActionPayload.Id(payload, "account_id");
                return async (actor, reason, ct) =>
                    new CustomerActionOutcome(action, Links: await links.RemoveLinkAccountAsync(actor, customerId, grantId, accountId, reason, ct));
            }

            case OperatorActionNames.RevokeAllLinks:
                return async (actor, reason, ct) => new CustomerActionOutcome(action, Links: await links.RevokeAllLinksAsync(actor, customerId, reason, ct));

            case OperatorActionNames.LiftStop:
                return async (actor, reason, ct) =>
                {
                    await security.LiftStopAsync(actor, customerId, reason, ct);
                    return new CustomerActionOutcome(action);
                };

            case OperatorActionNames.DeregisterOtpToken:
            {
                var serial = ActionPayload.Text(payload, "serial_number");
                return async (actor, reason, ct) =>
                    new CustomerActionOutcome(action, OtpToken: await security.DeregisterOtpDeviceAsync(actor, customerId, serial, reason, ct));
            }

            case OperatorActionNames.RecordAccountClosure:
            {
                var accountId = ActionPayload.Id(payload, "account_id");
                var status = ActionPayload.Text(payload, "status");
                Domain.Accounts.AccountStatus newStatus;
                try
                {
                    newStatus = LedgerNames.ParseStatus(status);
                }
                catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
                {
                    throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"'{status}' is no account status.");
                }

                return async (actor, reason, ct) =>
                    new CustomerActionOutcome(action, Account: await accounts.RecordAsync(actor, customerId, accountId, newStatus, reason, ct));
            }

            default:
                throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"'{action}' is no operator action run here.");
        }
    }

    private async Task RecordRefusalAsync(OperatorActor actor, PendingOperatorAction approved, OperationRefusedException refused, CancellationToken cancellationToken)
    {
        var detail = new JsonObject
        {
            ["request_id"] = approved.Id.ToString(),
            ["action"] = approved.Action,
            ["target"] = approved.Target,
            ["code"] = refused.Code,
            ["message"] = refused.Message.Length > 500 ? refused.Message[..500] : refused.Message,
        };
        if (approved.CustomerId is { } customerId)
        {
            detail["customer_id"] = customerId.ToString();
        }

        if (approved.ProviderId is { } providerId)
        {
            detail["provider_id"] = providerId.ToString();
        }

        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await audit.AppendAsync(connection, transaction,
                new AuditEvent(ExecutionRefused, clock.GetUtcNow(), AuditActorKinds.Operator, actor.LoginId, Detail: detail), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (NpgsqlException)
        {
            // The refusal itself is what the approver must see; the row's execution_outcome still records it.
        }
    }
}

/// <summary>Reads the ids and values a four-eyes payload holds; a missing or malformed one is invalid_request.</summary>
internal static class ActionPayload
{
    public static Guid Id(JsonObject payload, string name) => Guid.TryParse(Text(payload, name), out var id)
        ? id
        : throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"The action's payload has no valid '{name}'.");

    public static string Text(JsonObject payload, string name) => payload[name] is JsonValue value && value.TryGetValue<string>(out var text)
        ? text
        : throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"The action's payload has no '{name}'.");

    public static string? OptionalText(JsonObject payload, string name) => payload[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"The action's payload has no valid '{name}'."),
    };

    public static bool Flag(JsonObject payload, string name) => payload[name] switch
    {
        null => false,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        _ => throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"The action's payload has no valid '{name}'."),
    };

    public static long Number(JsonObject payload, string name) => payload[name] is JsonValue value && value.TryGetValue<long>(out var number)
        ? number
        : throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"The action's payload has no valid '{name}'.");
}
