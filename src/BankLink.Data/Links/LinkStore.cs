using System.Text.Json.Nodes;
using BankLink.CoreBanking;
using BankLink.Data.Audit;
using BankLink.Data.Registrations;
using BankLink.Data.Stores;
using BankLink.Domain.Accounts;
using Npgsql;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Data.Links;

/// <summary>The two functions a link may allow (DOMAIN.md "Accounts that can be linked").</summary>
public enum LinkFunction
{
    /// <summary>残高照会 (scope balance).</summary>
    Balance,

    /// <summary>入出金明細照会 (scope transactions).</summary>
    Transactions,
}

/// <summary>An account in a link, as the customer sees it: never the full account number.</summary>
public sealed record LinkedAccount(Guid AccountId, AccountKind Kind, string ProductName, string BranchName, string BranchNameEn, string MaskedNumber, bool IsLinkable);

/// <summary>A third party the provider passes data on to (連鎖接続先).</summary>
public sealed record LinkRecipient(string Name, string NameJa, string Purpose, string PurposeJa);

/// <summary>One active link of the customer's for "my links".</summary>
public sealed record CustomerLink(
    Guid GrantId,
    Guid ProviderId,
    string ProviderName,
    string ProviderNameJa,
    string ClientId,
    string ClientName,
    IReadOnlyList<LinkedAccount> Accounts,
    IReadOnlyList<LinkFunction> Functions,
    IReadOnlyList<LinkRecipient> ChainedRecipients,
    DateTimeOffset GrantedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt);

/// <summary>What a customer's command on a link did.</summary>
public enum LinkChange
{
    /// <summary>No active link of this customer's has that id (or it does not name that account): nothing changed. Never "forbidden".</summary>
    NotFound,

    Revoked,

    /// <summary>The account left the link; the link goes on with its other accounts.</summary>
    AccountRemoved,

    /// <summary>The account was the link's last: the link ended and its tokens were revoked.</summary>
    LinkEnded,
}

/// <summary>
/// "My links": the customer's active links and the commands the customer gives on them (DOMAIN.md "How links end":
/// the customer revokes in the bank's own page). Each command is one transaction with its audit event, and the
/// link's tokens stop working at its commit, on every node (every token use reads its grant).
/// </summary>
public sealed class LinkStore(NpgsqlDataSource dataSource, ICoreBankingGateway core, AuditTrail audit, TimeProvider clock)
{
    public const string RevokedByCustomer = "revoked by the customer";

    /// <summary>The customer's links that stand now, newest first.</summary>
    public async Task<IReadOnlyList<CustomerLink>> ListActiveAsync(Guid customerId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rows = new List<(Guid Id, Guid ProviderId, string ProviderName, string ProviderNameJa, string ClientId, string ClientName, string Scope,
            DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, Guid[] Accounts)>();
        await using (var command = dataSource.CreateCommand("""
            SELECT g.id, g.provider_id, p.name, p.name_ja, g.client_id, coalesce(c.metadata->>'client_name', g.client_id), g.scope,
                   g.created_at, g.expires_at, g.last_used_at,
                   coalesce((SELECT array_agg(a.account_id ORDER BY a.account_id) FROM grant_accounts a WHERE a.grant_id = g.id), '{}')
            FROM grants g JOIN providers p ON p.id = g.provider_id JOIN clients c ON c.client_id = g.client_id
            WHERE g.customer_id = $1 AND g.status = 'active' AND g.expires_at > $2
            ORDER BY g.created_at DESC, g.id
            """))
        {
            command.Parameters.AddWithValue(customerId);
            command.Parameters.AddWithValue(now);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8),
                    reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), reader.GetFieldValue<Guid[]>(10)));
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var recipients = await RecipientsAsync([.. rows.Select(r => r.ProviderId).Distinct()], cancellationToken);
        var customerNumber = await RegistrationStore.CustomerNumberAsync(dataSource, customerId, cancellationToken);
        var accounts = customerNumber is null ? [] : (await core.GetAccountsAsync(customerNumber, cancellationToken)).ToDictionary(a => a.Id);
        return [.. rows.Select(r => new CustomerLink(
            r.Id, r.ProviderId, r.ProviderName, r.ProviderNameJa, r.ClientId, r.ClientName,
            [.. r.Accounts.Where(accounts.ContainsKey).Select(id => accounts[id]).Select(a =>
                new LinkedAccount(a.Id, a.Kind, a.ProductName, a.BranchName, a.BranchNameEn, AccountNumbers.Mask(a.AccountNumber), a.IsLinkable))],
            FunctionsOf(r.Scope),
            recipients.TryGetValue(r.ProviderId, out var list) ? list : [],
            r.CreatedAt, r.ExpiresAt, r.LastUsedAt))];
    }

    /// <summary>Ends one of the customer's links and every token it issued, at once.</summary>
    public async Task<LinkChange> RevokeAsync(Guid customerId, Guid grantId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockOwnActiveAsync(connection, transaction, customerId, grantId, now, cancellationToken) is not { } grant)
        {
            return LinkChange.NotFound;
        }

        await TokenStore.RevokeGrantAsync(connection, transaction, grantId, RevokedByCustomer, now, cancellationToken);
        await audit.AppendAsync(connection, transaction, new AuditEvent(AuditEventTypes.LinkRevoked, now, AuditActorKinds.Customer, customerId.ToString(),
            customerId, grant.ProviderId, grant.ClientId, grantId, Detail: new JsonObject { ["reason"] = RevokedByCustomer }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return LinkChange.Revoked;
    }

    /// <summary>
    /// Takes one account out of one of the customer's links (the provider loses that account only); when it was the
    /// last, the link ends and its tokens are revoked (DOMAIN.md: a permission left with no account ends).
    /// </summary>
    public async Task<LinkChange> RemoveAccountAsync(Guid customerId, Guid grantId, Guid accountId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockOwnActiveAsync(connection, transaction, customerId, grantId, now, cancellationToken) is not { } grant)
        {
            return LinkChange.NotFound;
        }

        if (await RemoveGrantAccountAsync(connection, transaction, grantId, accountId, cancellationToken) is not { } left)
        {
            return LinkChange.NotFound;
        }

        await audit.AppendAsync(connection, transaction, new AuditEvent(AuditEventTypes.LinkAccountRemoved, now, AuditActorKinds.Customer, customerId.ToString(),
            customerId, grant.ProviderId, grant.ClientId, grantId, accountId, new JsonObject { ["reason"] = "removed by the customer" }), cancellationToken);
        var change = LinkChange.AccountRemoved;
        if (left == 0)
        {
            await TokenStore.RevokeGrantAsync(connection, transaction, grantId, "its last account was removed by the customer", now, cancellationToken);
            await audit.AppendAsync(connection, transaction, new AuditEvent(AuditEventTypes.LinkEnded, now, AuditActorKinds.Customer, customerId.ToString(),
                customerId, grant.ProviderId, grant.ClientId, grantId, Detail: new JsonObject { ["reason"] = "its last account was removed by the customer" }), cancellationToken);
            change = LinkChange.LinkEnded;
        }

        await transaction.CommitAsync(cancellationToken);
        return change;
    }

    /// <summary>Scopes to the functions they allow; openid and grant management scopes are no function of an account.</summary>
    public static IReadOnlyList<LinkFunction> FunctionsOf(string scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var functions = new List<LinkFunction>(2);
        if (scopes.Contains(Scopes.Balance, StringComparer.Ordinal))
        {
            functions.Add(LinkFunction.Balance);
        }

        if (scopes.Contains(Scopes.Transactions, StringComparer.Ordinal))
        {
            functions.Add(LinkFunction.Transactions);
        }

        return functions;
    }

    /// <summary>
    /// Takes one account out of a grant in the caller's transaction: the number of accounts the grant still names,
    /// or null when it did not name that account (nothing changed).
    /// </summary>
    internal static async Task<long?> RemoveGrantAccountAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid grantId, Guid accountId, CancellationToken cancellationToken)
    {
        await using var delete = new NpgsqlCommand("""
            WITH removed AS (DELETE FROM grant_accounts WHERE grant_id = $1 AND account_id = $2 RETURNING account_id)
            SELECT (SELECT count(*) FROM removed), (SELECT count(*) FROM grant_accounts WHERE grant_id = $1)
            """, connection, transaction);
        delete.Parameters.AddWithValue(grantId);
        delete.Parameters.AddWithValue(accountId);
        await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);

        // The CTE's DELETE is not visible to the statement's own read: what is left is the count less the one removed.
        return reader.GetInt64(0) == 0 ? null : reader.GetInt64(1) - 1;
    }

    /// <summary>
    /// Locks the grant when it is an active link of this customer's. A grant of another customer's reads exactly like
    /// an unknown one, so the answer reveals nothing about other customers' links.
    /// </summary>
    internal static async Task<(Guid ProviderId, string ClientId)?> LockOwnActiveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid customerId, Guid grantId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT provider_id, client_id FROM grants
            WHERE id = $1 AND customer_id = $2 AND status = 'active' AND expires_at > $3 FOR UPDATE
            """, connection, transaction);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(customerId);
        command.Parameters.AddWithValue(now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetString(1)) : null;
    }

    private async Task<Dictionary<Guid, IReadOnlyList<LinkRecipient>>> RecipientsAsync(Guid[] providerIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT provider_id, name, name_ja, purpose, purpose_ja FROM chained_recipients WHERE provider_id = ANY($1) ORDER BY provider_id, name");
        command.Parameters.AddWithValue(providerIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<(Guid ProviderId, LinkRecipient Recipient)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add((reader.GetGuid(0), new LinkRecipient(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))));
        }

        return found.GroupBy(f => f.ProviderId).ToDictionary(g => g.Key, g => (IReadOnlyList<LinkRecipient>)[.. g.Select(f => f.Recipient)]);
    }
}
