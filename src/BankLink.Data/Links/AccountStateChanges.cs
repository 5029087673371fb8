using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Stores;
using BankLink.Domain.Accounts;
using Npgsql;

namespace BankLink.Data.Links;

/// <summary>Who records an account's new state in the audit trail (<see cref="Kind"/> is one of <see cref="AuditActorKinds"/>).</summary>
public sealed record AuditActor(string Kind, string? Id)
{
    /// <summary>BankLink itself, e.g. the resource API that read the state from the core (<paramref name="component"/> names it).</summary>
    public static AuditActor System(string component) => new(AuditActorKinds.System, component);

    public static AuditActor Operator(string userName) => new(AuditActorKinds.Operator, userName);
}

/// <summary>What recording an account's closure or stop changed.</summary>
/// <param name="LinksChanged">Active links that named the account and lost it.</param>
/// <param name="LinksEnded">Of those, the links left with no account: ended, their tokens revoked.</param>
public sealed record AccountStateChange(Guid AccountId, IReadOnlyList<Guid> LinksChanged, IReadOnlyList<Guid> LinksEnded)
{
    /// <summary>No active link named the account (already recorded, or never linked): nothing was written.</summary>
    public bool Unchanged => LinksChanged.Count == 0;
}

/// <summary>
/// An account closed or stopped in the core leaves every permission that names it at once (the provider loses that
/// account only), and a permission left with no account ends (DOMAIN.md "How links end"). One transaction: the
/// account leaves every active grant, emptied grants are revoked with all their tokens (every node refuses them at
/// its next use: each token use reads its grant), and the audit trail says why. Idempotent: a second report finds
/// nothing naming the account and writes nothing.
/// </summary>
public sealed class AccountStateChanges(NpgsqlDataSource dataSource, AuditTrail audit, TimeProvider clock)
{
    public async Task<AccountStateChange> RecordAsync(Guid accountId, AccountStatus newStatus, string reason, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(actor);
        if (newStatus == AccountStatus.Open)
        {
            throw new ArgumentOutOfRangeException(nameof(newStatus), "Only a closed or frozen account leaves links; a reopened account is linked again by its customer.");
        }

        reason = reason.Length > 200 ? reason[..200] : reason;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var change = await RecordAsync(connection, transaction, accountId, newStatus, reason, actor, cancellationToken);
        if (!change.Unchanged)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return change;
    }

    /// <summary>
    /// The same change inside the caller's transaction, which commits it (the operator console records the account's
    /// new state in the demo ledger in the same transaction). <paramref name="reason"/> is written as given.
    /// </summary>
    internal async Task<AccountStateChange> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId, AccountStatus newStatus, string reason, AuditActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(actor);
        if (newStatus == AccountStatus.Open)
        {
            throw new ArgumentOutOfRangeException(nameof(newStatus), "Only a closed or frozen account leaves links; a reopened account is linked again by its customer.");
        }

        var closed = newStatus == AccountStatus.Closed;
        var now = clock.GetUtcNow();

        // Locked in id order, as every writer of several grants must, so two reports never deadlock.
        var grants = new List<(Guid Id, Guid CustomerId, Guid ProviderId, string ClientId)>();
        await using (var select = new NpgsqlCommand("""
            SELECT g.id, g.customer_id, g.provider_id, g.client_id FROM grants g
            WHERE g.status = 'active' AND EXISTS (SELECT 1 FROM grant_accounts a WHERE a.grant_id = g.id AND a.account_id = $1)
            ORDER BY g.id FOR UPDATE
            """, connection, transaction))
        {
            select.Parameters.AddWithValue(accountId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                grants.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3)));
            }
        }

        if (grants.Count == 0)
        {
            return new AccountStateChange(accountId, [], []);
        }

        Guid[] ids = [.. grants.Select(g => g.Id)];
        var left = new Dictionary<Guid, long>();
        await using (var delete = new NpgsqlCommand("DELETE FROM grant_accounts WHERE account_id = $1 AND grant_id = ANY($2)", connection, transaction))
        {
            delete.Parameters.AddWithValue(accountId);
            delete.Parameters.AddWithValue(ids);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var count = new NpgsqlCommand(
            "SELECT g, (SELECT count(*) FROM grant_accounts a WHERE a.grant_id = g) FROM unnest($1::uuid[]) g", connection, transaction))
        {
            count.Parameters.AddWithValue(ids);
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                left[reader.GetGuid(0)] = reader.GetInt64(1);
            }
        }

        var state = closed ? "closed" : "stopped";
        var endReason = $"its last account was {state} in the core";
        var events = new List<AuditEvent>();
        foreach (var customerId in grants.Select(g => g.CustomerId).Distinct())
        {
            events.Add(new AuditEvent(closed ? AuditEventTypes.AccountClosed : AuditEventTypes.AccountStopped, now, actor.Kind, actor.Id,
                customerId, AccountId: accountId, Detail: new JsonObject { ["reason"] = reason }));
        }

        var ended = new List<Guid>();
        foreach (var grant in grants)
        {
            events.Add(new AuditEvent(AuditEventTypes.LinkAccountRemoved, now, actor.Kind, actor.Id, grant.CustomerId, grant.ProviderId, grant.ClientId, grant.Id, accountId,
                new JsonObject { ["reason"] = $"the account was {state} in the core" }));
            if (left[grant.Id] == 0)
            {
                await TokenStore.RevokeGrantAsync(connection, transaction, grant.Id, endReason, now, cancellationToken);
                events.Add(new AuditEvent(AuditEventTypes.LinkEnded, now, actor.Kind, actor.Id, grant.CustomerId, grant.ProviderId, grant.ClientId, grant.Id,
                    Detail: new JsonObject { ["reason"] = endReason }));
                ended.Add(grant.Id);
            }
        }

        // Appended last and in ascending chain order (AuditTrail.AppendAsync), so concurrent writers never wait on each other's heads.
        foreach (var auditEvent in events.OrderBy(AuditTrail.ChainOf))
        {
            await audit.AppendAsync(connection, transaction, auditEvent, cancellationToken);
        }

        return new AccountStateChange(accountId, ids, ended);
    }
}
