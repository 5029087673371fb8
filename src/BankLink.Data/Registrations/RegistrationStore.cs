using System.Text.Json.Nodes;
using BankLink.CoreBanking;
using BankLink.Data.Audit;
using BankLink.Data.Stores;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Registrations;

/// <summary>Registration for linking (利用登録): how long one lasts (<c>BankLink:Registration</c>).</summary>
public sealed class RegistrationOptions
{
    public const string SectionName = "BankLink:Registration";

    /// <summary>DOMAIN.md "Two consents": a registration expires after a set period, the bank's default one year.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>The linking terms a customer accepts when registering; a new version is a new constant here and in the page's text.</summary>
public static class RegistrationTerms
{
    public const string CurrentVersion = "2026-11";
}

/// <summary>Where a registration is in its life (stored as snake_case).</summary>
public enum RegistrationStatus
{
    Active,
    Superseded,
    Revoked,
}

/// <summary>A customer's registration for linking: the terms accepted, until when, and the accounts that may be linked at all.</summary>
public sealed record Registration(
    Guid Id,
    Guid CustomerId,
    string TermsVersion,
    DateTimeOffset AcceptedAt,
    DateTimeOffset ExpiresAt,
    RegistrationStatus Status,
    IReadOnlySet<Guid> AccountIds)
{
    public bool IsValidAt(DateTimeOffset now) => Status == RegistrationStatus.Active && now < ExpiresAt;
}

/// <summary>One of the customer's accounts as the registration and consent pages offer it.</summary>
/// <param name="IsRegistered">In the customer's valid registration.</param>
public sealed record AccountChoice(CoreAccount Account, bool IsRegistered)
{
    /// <summary>May be ticked for a provider now: registered and linkable by the core's account state.</summary>
    public bool CanLink => IsRegistered && Account.IsLinkable;
}

/// <summary>The customer's valid registration (null when none, or it expired) and every account the core holds for them.</summary>
public sealed record RegistrationAccounts(Registration? Registration, IReadOnlyList<AccountChoice> Accounts)
{
    /// <summary>What the consent page may offer with a checkbox.</summary>
    public IEnumerable<CoreAccount> Linkable => Accounts.Where(a => a.CanLink).Select(a => a.Account);
}

/// <summary>What registering did.</summary>
public enum RegisterStatus
{
    Registered,

    /// <summary>No account was chosen: nothing changed.</summary>
    NoAccountChosen,

    /// <summary>A chosen account is not the customer's or is not linkable now: nothing changed.</summary>
    AccountNotLinkable,

    UnknownCustomer,
}

/// <summary>The outcome of <see cref="RegistrationStore.RegisterAsync"/>, with the links it changed.</summary>
/// <param name="GrantsReduced">Active links that lost an account the new registration leaves out, and still have one.</param>
/// <param name="GrantsEnded">Active links left without any account: revoked with all their tokens.</param>
public sealed record RegisterResult(RegisterStatus Status, Registration? Registration, IReadOnlyList<Guid> GrantsReduced, IReadOnlyList<Guid> GrantsEnded);

/// <summary>
/// Registrations for linking in PostgreSQL. A new registration supersedes the customer's previous one in one
/// transaction with its audit events. DOMAIN.md: only registered accounts may be linked, so an account the new
/// registration leaves out leaves every active link that names it at once (as a closed account does), and a link
/// left without an account ends, its tokens revoked.
/// </summary>
public sealed class RegistrationStore(
    NpgsqlDataSource dataSource, ICoreBankingGateway core, AuditTrail audit, IOptions<RegistrationOptions> options, TimeProvider clock)
{
    /// <summary>The customer's registration if it is valid now; null when there is none or it expired.</summary>
    public async Task<Registration?> FindValidAsync(Guid customerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindValidAsync(connection, null, customerId, clock.GetUtcNow(), lockForShare: false, cancellationToken);
    }

    /// <summary>The customer's valid registration (or null) and every core account, each marked registered or not.</summary>
    public async Task<RegistrationAccounts> GetAccountsAsync(Guid customerId, CancellationToken cancellationToken)
    {
        var customerNumber = await CustomerNumberAsync(dataSource, customerId, cancellationToken);
        if (customerNumber is null)
        {
            return new RegistrationAccounts(null, []);
        }

        var registration = await FindValidAsync(customerId, cancellationToken);
        var accounts = await core.GetAccountsAsync(customerNumber, cancellationToken);
        return new RegistrationAccounts(registration, [.. accounts.Select(a => new AccountChoice(a, registration?.AccountIds.Contains(a.Id) == true))]);
    }

    /// <summary>
    /// Registers <paramref name="accountIds"/> (each the customer's and linkable now) under the current terms for
    /// <see cref="RegistrationOptions.Lifetime"/>, superseding the previous registration, in one transaction with
    /// its audit events. The customer acts, unless <paramref name="actorKind"/> says otherwise (the sandbox seeder registers as system).
    /// </summary>
    public async Task<RegisterResult> RegisterAsync(
        Guid customerId, IReadOnlyCollection<Guid> accountIds, CancellationToken cancellationToken, string actorKind = AuditActorKinds.Customer, string? actorId = null)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        var chosen = accountIds.ToHashSet();
        if (chosen.Count == 0)
        {
            return new RegisterResult(RegisterStatus.NoAccountChosen, null, [], []);
        }

        var customerNumber = await CustomerNumberAsync(dataSource, customerId, cancellationToken);
        if (customerNumber is null)
        {
            return new RegisterResult(RegisterStatus.UnknownCustomer, null, [], []);
        }

        var linkable = (await core.GetAccountsAsync(customerNumber, cancellationToken)).Where(a => a.IsLinkable).Select(a => a.Id).ToHashSet();
        if (!chosen.IsSubsetOf(linkable))
        {
            return new RegisterResult(RegisterStatus.AccountNotLinkable, null, [], []);
        }

        var now = clock.GetUtcNow();
        var registration = new Registration(Guid.NewGuid(), customerId, RegistrationTerms.CurrentVersion, now, now + options.Value.Lifetime,
            RegistrationStatus.Active, chosen);
        var ids = chosen.ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One registration change per customer at a time; a consent in flight holds its registration FOR SHARE,
        // so superseding waits for it and then sees the grant it wrote.
        await ExecuteAsync(connection, transaction, "SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE", cancellationToken, customerId);
        Guid? superseded = null;
        await using (var end = new NpgsqlCommand(
            "UPDATE registrations SET status = 'superseded', ended_at = $2 WHERE customer_id = $1 AND status = 'active' RETURNING id", connection, transaction))
        {
            end.Parameters.AddWithValue(customerId);
            end.Parameters.AddWithValue(now);
            if (await end.ExecuteScalarAsync(cancellationToken) is Guid previous)
            {
                superseded = previous;
            }
        }

        await ExecuteAsync(connection, transaction, """
            INSERT INTO registrations (id, customer_id, terms_version, accepted_at, expires_at, status) VALUES ($1, $2, $3, $4, $5, 'active')
            """, cancellationToken, registration.Id, customerId, registration.TermsVersion, registration.AcceptedAt, registration.ExpiresAt);
        await ExecuteAsync(connection, transaction, "INSERT INTO registration_accounts (registration_id, account_id) SELECT $1, unnest($2::uuid[])",
            cancellationToken, registration.Id, ids);
        await audit.AppendAsync(connection, transaction, new AuditEvent(AuditEventTypes.RegistrationCreated, now, actorKind, actorId ?? customerId.ToString(),
            CustomerId: customerId, Detail: new JsonObject
            {
                ["registration_id"] = registration.Id.ToString(),
                ["terms_version"] = registration.TermsVersion,
                ["expires_at"] = registration.ExpiresAt.ToString("O"),
                ["accounts"] = new JsonArray([.. ids.Select(id => JsonValue.Create(id.ToString()))]),
                ["supersedes"] = superseded?.ToString(),
            }), cancellationToken);

        var (reduced, ended) = await LeaveUnregisteredAccountsAsync(connection, transaction, audit, customerId, ids, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RegisterResult(RegisterStatus.Registered, registration, reduced, ended);
    }

    /// <summary>Accounts outside the new registration leave the customer's active links; a link left empty ends with its tokens.</summary>
    private static async Task<(List<Guid> Reduced, List<Guid> Ended)> LeaveUnregisteredAccountsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, AuditTrail audit, Guid customerId, Guid[] registered, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var removed = new List<(Guid GrantId, Guid ProviderId, string ClientId, Guid AccountId)>();
        await using (var delete = new NpgsqlCommand("""
            DELETE FROM grant_accounts ga USING grants g
            WHERE ga.grant_id = g.id AND g.customer_id = $1 AND g.status = 'active' AND NOT (ga.account_id = ANY($2))
            RETURNING ga.grant_id, g.provider_id, g.client_id, ga.account_id
            """, connection, transaction))
        {
            delete.Parameters.AddWithValue(customerId);
            delete.Parameters.AddWithValue(registered);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                removed.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3)));
            }
        }

        var reduced = new List<Guid>();
        var ended = new List<Guid>();
        foreach (var grant in removed.GroupBy(r => (r.GrantId, r.ProviderId, r.ClientId)).OrderBy(g => g.Key.GrantId))
        {
            var (grantId, providerId, clientId) = grant.Key;
            await using var remaining = new NpgsqlCommand("SELECT count(*) FROM grant_accounts WHERE grant_id = $1", connection, transaction);
            remaining.Parameters.AddWithValue(grantId);
            var left = (long)(await remaining.ExecuteScalarAsync(cancellationToken))!;
            foreach (var (_, _, _, accountId) in grant)
            {
                await audit.AppendAsync(connection, transaction, new AuditEvent(AuditEventTypes.LinkAccountRemoved, now, AuditActorKinds.Customer, customerId.ToString(),
                    customerId, providerId, clientId, grantId, accountId, new JsonObject { ["reason"] = "account left out of a new registration" }), cancellationToken);
            }

            if (left > 0)
            {
                reduced.Add(grantId);
                continue;
            }

            await TokenStore.RevokeGrantAsync(connection, transaction, grantId, "no registered account left", now, cancellationToken);
            await audit.AppendAsync(connection, transaction, new AuditEvent(AuditEventTypes.LinkEnded, now, AuditActorKinds.Customer, customerId.ToString(),
                customerId, providerId, clientId, grantId, Detail: new JsonObject { ["reason"] = "no registered account left" }), cancellationToken);
            ended.Add(grantId);
        }

        return (reduced, ended);
    }

    /// <summary>
    /// The customer's valid registration read on the caller's connection; with <paramref name="lockForShare"/> the
    /// row is held FOR SHARE until the caller's transaction ends, so it cannot be superseded meanwhile.
    /// </summary>
    internal static async Task<Registration?> FindValidAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid customerId, DateTimeOffset now, bool lockForShare, CancellationToken cancellationToken)
    {
        Registration registration;
        await using (var command = new NpgsqlCommand($"""
            SELECT id, terms_version, accepted_at, expires_at FROM registrations
            WHERE customer_id = $1 AND status = 'active' AND expires_at > $2 {(lockForShare ? "FOR SHARE" : "")}
            """, connection, transaction))
        {
            command.Parameters.AddWithValue(customerId);
            command.Parameters.AddWithValue(now);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            registration = new Registration(reader.GetGuid(0), customerId, reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetFieldValue<DateTimeOffset>(3), RegistrationStatus.Active, new HashSet<Guid>());
        }

        await using var accounts = new NpgsqlCommand("SELECT coalesce(array_agg(account_id), '{}') FROM registration_accounts WHERE registration_id = $1", connection, transaction);
        accounts.Parameters.AddWithValue(registration.Id);
        return registration with { AccountIds = ((Guid[])(await accounts.ExecuteScalarAsync(cancellationToken))!).ToHashSet() };
    }

    internal static async Task<string?> CustomerNumberAsync(NpgsqlDataSource dataSource, Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT customer_number FROM customers WHERE id = $1");
        command.Parameters.AddWithValue(customerId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
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
}
