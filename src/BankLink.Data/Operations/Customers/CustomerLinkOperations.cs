using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Data.Stores;
using BankLink.Domain.Operators;
using Npgsql;

namespace BankLink.Data.Operations.Customers;

/// <summary>What an operator's command on a customer's links did.</summary>
/// <param name="LinksRevoked">Links that ended, with all their tokens.</param>
/// <param name="LinksReduced">Links that lost an account and go on with their others.</param>
public sealed record LinkOperationResult(IReadOnlyList<Guid> LinksRevoked, IReadOnlyList<Guid> LinksReduced);

/// <summary>
/// An operator ends a customer's links (DOMAIN.md "How links end": "An operator revokes: one link, all links of a
/// customer ... with a recorded reason"). Each command needs the operator role and a reason. It is one transaction:
/// the grant changes, every token of an ended grant is revoked (<see cref="TokenStore"/>; each token use reads its
/// grant, so every node refuses them from the commit on), and the audit events record the operator and the reason.
/// A link that is not an active link of that customer is <c>not_found</c>, the same answer as a link that does not exist.
/// </summary>
public sealed class CustomerLinkOperations(NpgsqlDataSource dataSource, AuditTrail audit, TimeProvider clock)
{
    /// <summary>What the grant row keeps as its end. The operator's own words go to the audit trail only.</summary>
    public const string RevokedByOperator = "revoked by an operator";

    public const string LastAccountRemovedByOperator = "its last account was removed by an operator";

    public async Task<LinkOperationResult> RevokeLinkAsync(OperatorActor actor, Guid customerId, Guid grantId, string? reason, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Operator, "Revoking a link");
        var why = OperatorGuard.RequireReason(reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RequireCustomerAsync(connection, transaction, customerId, cancellationToken);
        var grant = await LinkStore.LockOwnActiveAsync(connection, transaction, customerId, grantId, now, cancellationToken)
            ?? throw OperatorGuard.Missing("The customer has no active link with that id.");

        await TokenStore.RevokeGrantAsync(connection, transaction, grantId, RevokedByOperator, now, cancellationToken);
        await audit.AppendAsync(connection, transaction, new AuditEvent(AuditEventTypes.LinkRevoked, now, AuditActorKinds.Operator, actor.LoginId,
            customerId, grant.ProviderId, grant.ClientId, grantId, Detail: new JsonObject { ["reason"] = why }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new LinkOperationResult([grantId], []);
    }

    /// <summary>
    /// Takes one account out of one of the customer's links (the provider loses that account only); when it was the
    /// link's last, the link ends with its tokens (DOMAIN.md: a permission left with no account ends).
    /// </summary>
    public async Task<LinkOperationResult> RemoveLinkAccountAsync(
        OperatorActor actor, Guid customerId, Guid grantId, Guid accountId, string? reason, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Operator, "Removing an account from a link");
        var why = OperatorGuard.RequireReason(reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RequireCustomerAsync(connection, transaction, customerId, cancellationToken);
        var grant = await LinkStore.LockOwnActiveAsync(connection, transaction, customerId, grantId, now, cancellationToken)
            ?? throw OperatorGuard.Missing("The customer has no active link with that id.");
        var left = await LinkStore.RemoveGrantAccountAsync(connection, transaction, grantId, accountId, cancellationToken)
            ?? throw OperatorGuard.Missing("The link does not name that account.");

        List<AuditEvent> events =
        [
            new(AuditEventTypes.LinkAccountRemoved, now, AuditActorKinds.Operator, actor.LoginId, customerId, grant.ProviderId, grant.ClientId, grantId, accountId,
                new JsonObject { ["reason"] = why }),
        ];
        if (left == 0)
        {
            await TokenStore.RevokeGrantAsync(connection, transaction, grantId, LastAccountRemovedByOperator, now, cancellationToken);
            events.Add(new(AuditEventTypes.LinkEnded, now, AuditActorKinds.Operator, actor.LoginId, customerId, grant.ProviderId, grant.ClientId, grantId,
                Detail: new JsonObject { ["reason"] = why, ["ended_because"] = LastAccountRemovedByOperator }));
        }

        await audit.AppendManyAsync(connection, transaction, events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return left == 0 ? new LinkOperationResult([grantId], []) : new LinkOperationResult([], [grantId]);
    }

    /// <summary>
    /// Ends every active link of the customer's with all their tokens (a customer reporting fraud, a deceased
    /// customer). A customer with no active link is no error: nothing changes and nothing is written.
    /// Four-eyes by default (<see cref="FourEyes.OperatorActionNames.RevokeAllLinks"/>).
    /// </summary>
    public async Task<LinkOperationResult> RevokeAllLinksAsync(OperatorActor actor, Guid customerId, string? reason, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Operator, "Revoking all links of a customer");
        var why = OperatorGuard.RequireReason(reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RequireCustomerAsync(connection, transaction, customerId, cancellationToken);

        // Locked in id order, as every writer of several grants does, so this never deadlocks with a closure report.
        var grants = new List<(Guid Id, Guid ProviderId, string ClientId)>();
        await using (var select = new NpgsqlCommand("""
            SELECT id, provider_id, client_id FROM grants
            WHERE customer_id = $1 AND status = 'active' AND expires_at > $2
            ORDER BY id FOR UPDATE
            """, connection, transaction))
        {
            select.Parameters.AddWithValue(customerId);
            select.Parameters.AddWithValue(now);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                grants.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2)));
            }
        }

        if (grants.Count == 0)
        {
            return new LinkOperationResult([], []);
        }

        foreach (var grant in grants)
        {
            await TokenStore.RevokeGrantAsync(connection, transaction, grant.Id, RevokedByOperator, now, cancellationToken);
        }

        await audit.AppendManyAsync(connection, transaction, [.. grants.Select(g => new AuditEvent(
            AuditEventTypes.LinkRevoked, now, AuditActorKinds.Operator, actor.LoginId, customerId, g.ProviderId, g.ClientId, g.Id,
            Detail: new JsonObject { ["reason"] = why, ["all_links"] = true }))], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new LinkOperationResult([.. grants.Select(g => g.Id)], []);
    }

    internal static async Task RequireCustomerAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM customers WHERE id = $1", connection, transaction);
        command.Parameters.AddWithValue(customerId);
        if (await command.ExecuteScalarAsync(cancellationToken) is null)
        {
            throw OperatorGuard.Missing("No customer has that id.");
        }
    }
}
