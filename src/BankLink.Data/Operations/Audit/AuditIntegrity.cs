using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Operators;
using Npgsql;

namespace BankLink.Data.Operations.Audit;

/// <summary>What a check of the whole trail found: intact, or where each broken chain stops being trustworthy.</summary>
public sealed record AuditIntegrityReport(bool IsIntact, int ChainsChecked, long EventsChecked, IReadOnlyList<AuditBreak> Breaks, DateTimeOffset CheckedAt);

/// <summary>
/// The console's "verify the hash chain" (issue 6): <see cref="AuditVerifier"/> for an operator, with a viewer's role.
/// The check reads the whole trail in one snapshot, so it takes as long as the trail is large: run it from a
/// background request, not inline in a page. Its outcome is recorded as <c>audit_verified</c>, so the trail itself
/// shows when it was last checked and by whom.
/// </summary>
public sealed class AuditIntegrity(AuditVerifier verifier, NpgsqlDataSource dataSource, AuditTrail audit, TimeProvider clock)
{
    public const string AuditVerified = "audit_verified";

    public async Task<AuditIntegrityReport> VerifyAsync(OperatorActor actor, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Viewer, "Verifying the audit trail");
        var result = await verifier.VerifyAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await audit.AppendAsync(connection, transaction, new AuditEvent(AuditVerified, now, AuditActorKinds.Operator, actor.LoginId, Detail: new JsonObject
        {
            ["intact"] = result.IsIntact,
            ["chains_checked"] = result.ChainsChecked,
            ["events_checked"] = result.EventsChecked,
            ["broken_chains"] = new JsonArray([.. result.Breaks.Select(b => JsonValue.Create(b.Chain))]),
        }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new AuditIntegrityReport(result.IsIntact, result.ChainsChecked, result.EventsChecked, result.Breaks, now);
    }
}
