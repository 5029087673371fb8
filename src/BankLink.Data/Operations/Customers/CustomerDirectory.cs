using System.Text;
using System.Text.RegularExpressions;
using BankLink.CoreBanking;
using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Data.Otp;
using BankLink.Domain.Accounts;
using BankLink.Domain.Customers;
using BankLink.Domain.Operators;
using Npgsql;

namespace BankLink.Data.Operations.Customers;

/// <summary>
/// The console's customer search and the customer page (issue 6 "Find a customer ... and see their registration,
/// links, OTP tokens and lock state"). Read only, so a viewer may use it. Search terms are normalised as people type
/// them: full-width digits and letters (NFKC), spaces around, and for account numbers a hyphen or space between
/// branch code and number.
/// </summary>
public sealed partial class CustomerDirectory(
    NpgsqlDataSource dataSource, ICoreBankingGateway core, ICoreAccountSearch accountSearch, OtpDeviceStore devices, AuditTrail audit, TimeProvider clock)
{
    /// <summary>The most customers one search returns (an exact search finds one, or a few for an account number alone).</summary>
    public const int MaxResults = 50;

    /// <summary>How far back the customer page lists ended links.</summary>
    public static readonly TimeSpan EndedLinksWindow = TimeSpan.FromDays(90);

    /// <summary>How many of the customer's latest security events the page shows.</summary>
    public const int RecentEventCount = 20;

    public async Task<IReadOnlyList<CustomerSummary>> SearchAsync(OperatorActor actor, CustomerSearchBy by, string? term, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Viewer, "Finding a customer");
        var text = (term ?? "").Normalize(NormalizationForm.FormKC).Trim();
        switch (by)
        {
            case CustomerSearchBy.LoginId:
                if (text.Length is 0 or > 64)
                {
                    throw new OperationRefusedException(OperatorGuard.InvalidRequest, "Give a login ID of 1 to 64 characters.");
                }

                return await SummariesAsync("lower(c.login_id) = lower($1)", text, cancellationToken);

            case CustomerSearchBy.CustomerNumber:
                if (!CustomerNumberPattern().IsMatch(text))
                {
                    throw new OperationRefusedException(OperatorGuard.InvalidRequest, "A customer number is 1 to 10 digits.");
                }

                return await SummariesAsync("c.customer_number = $1", text, cancellationToken);

            case CustomerSearchBy.AccountNumber:
                var match = AccountNumberPattern().Match(text);
                if (!match.Success)
                {
                    throw new OperationRefusedException(OperatorGuard.InvalidRequest,
                        "An account number is 7 digits, optionally after its 3-digit branch code (001-0123456).");
                }

                var branch = match.Groups["branch"].Success ? match.Groups["branch"].Value : null;
                var found = await accountSearch.FindByNumberAsync(branch, match.Groups["number"].Value, cancellationToken);
                return found.Count == 0
                    ? []
                    : await SummariesAsync("c.customer_number = ANY($1)", found.Select(a => a.CustomerNumber).Distinct().ToArray(), cancellationToken);

            default:
                throw new OperationRefusedException(OperatorGuard.InvalidRequest, "Search by login ID, customer number or account number.");
        }
    }

    /// <summary>The customer page; <see cref="OperationRefusedException"/> <c>not_found</c> for an unknown id.</summary>
    public async Task<CustomerOverview> GetOverviewAsync(OperatorActor actor, Guid customerId, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Viewer, "Viewing a customer");
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // One snapshot for the rows BankLink holds, so the page never shows a link both active and ended.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var row = await CustomerRowAsync(connection, transaction, customerId, cancellationToken)
            ?? throw OperatorGuard.Missing("No customer has that id.");
        var registration = await LatestRegistrationAsync(connection, transaction, customerId, now, cancellationToken);
        var links = await LinksAsync(connection, transaction, customerId, now - EndedLinksWindow, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var coreAvailable = true;
        IReadOnlyList<CoreAccount> coreAccounts;
        try
        {
            coreAccounts = await core.GetAccountsAsync(row.Summary.CustomerNumber, cancellationToken);
        }
        catch (CoreUnavailableException)
        {
            coreAvailable = false;
            coreAccounts = [];
        }

        var registered = registration.State == RegistrationState.Valid ? registration.AccountIds : new HashSet<Guid>();
        var byId = coreAccounts.ToDictionary(a => a.Id);
        OverviewAccount View(Guid id) => byId.TryGetValue(id, out var a)
            ? new OverviewAccount(a.Id, true, a.Kind, a.ProductName, a.BranchCode, a.BranchName, a.BranchNameEn, AccountNumbers.Mask(a.AccountNumber),
                a.Status, a.NotLinkableReason, registered.Contains(a.Id))
            : OverviewAccount.Unknown(id, registered.Contains(id));

        var linkViews = links.Select(l => l.ToView([.. l.AccountIds.Select(View)], now)).ToList();
        return new CustomerOverview(
            row.Summary, row.CreatedAt, row.IsSynthetic, row.StoppedAt, row.ConsecutiveFailures,
            new RegistrationOverview(registration.State, registration.Id, registration.TermsVersion, registration.AcceptedAt, registration.ExpiresAt,
                [.. registration.AccountIds.Order().Select(View)]),
            coreAvailable,
            [.. coreAccounts.Select(a => View(a.Id))],
            [.. linkViews.Where(l => l.Ending is null).OrderByDescending(l => l.GrantedAt)],
            [.. linkViews.Where(l => l.Ending is not null && l.EndedAt >= now - EndedLinksWindow).OrderByDescending(l => l.EndedAt)],
            await devices.ListAsync(customerId, cancellationToken),
            (await audit.RecentForCustomerAsync(customerId, null, RecentEventCount, cancellationToken)).Events,
            now);
    }

    private async Task<IReadOnlyList<CustomerSummary>> SummariesAsync(string condition, object value, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT c.id, c.login_id, c.customer_number, c.display_name, c.display_name_kana, c.status
            FROM customers c WHERE {condition}
            ORDER BY c.login_id
            LIMIT {MaxResults}
            """);
        command.Parameters.AddWithValue(value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<CustomerSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(ReadSummary(reader));
        }

        return found;
    }

    private static CustomerSummary ReadSummary(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        reader.GetString(5) == "stopped" ? CustomerStatus.Stopped : CustomerStatus.Active);

    private sealed record CustomerRow(CustomerSummary Summary, DateTimeOffset CreatedAt, bool IsSynthetic, DateTimeOffset? StoppedAt, int ConsecutiveFailures);

    private static async Task<CustomerRow?> CustomerRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid customerId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT id, login_id, customer_number, display_name, display_name_kana, status, created_at, is_synthetic, stopped_at, consecutive_failures
            FROM customers WHERE id = $1
            """, connection, transaction);
        command.Parameters.AddWithValue(customerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new CustomerRow(ReadSummary(reader), reader.GetFieldValue<DateTimeOffset>(6), reader.GetBoolean(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.GetInt32(9))
            : null;
    }

    private sealed record RegistrationRow(RegistrationState State, Guid? Id, string? TermsVersion, DateTimeOffset? AcceptedAt, DateTimeOffset? ExpiresAt, IReadOnlySet<Guid> AccountIds);

    private static async Task<RegistrationRow> LatestRegistrationAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT r.id, r.terms_version, r.accepted_at, r.expires_at, r.status,
                   coalesce((SELECT array_agg(a.account_id) FROM registration_accounts a WHERE a.registration_id = r.id), '{}')
            FROM registrations r WHERE r.customer_id = $1
            ORDER BY r.accepted_at DESC, r.id
            LIMIT 1
            """, connection, transaction);
        command.Parameters.AddWithValue(customerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new RegistrationRow(RegistrationState.None, null, null, null, null, new HashSet<Guid>());
        }

        var expiresAt = reader.GetFieldValue<DateTimeOffset>(3);
        var state = reader.GetString(4) switch
        {
            "active" when expiresAt > now => RegistrationState.Valid,
            "revoked" => RegistrationState.Revoked,
            _ => RegistrationState.Expired,
        };
        return new RegistrationRow(state, reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), expiresAt,
            reader.GetFieldValue<Guid[]>(5).ToHashSet());
    }

    private sealed record LinkRow(
        Guid GrantId, Guid ProviderId, string ProviderName, string ProviderNameJa, string ClientId, string ClientName, string Scope, string Status,
        DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? RevokedReason, Guid[] AccountIds)
    {
        public OverviewLink ToView(IReadOnlyList<OverviewAccount> accounts, DateTimeOffset now)
        {
            var (ending, endedAt) = Status == "revoked" ? (LinkEnding.Revoked, RevokedAt)
                : ExpiresAt <= now ? (LinkEnding.Expired, ExpiresAt)
                : ((LinkEnding?)null, (DateTimeOffset?)null);
            return new OverviewLink(GrantId, ProviderId, ProviderName, ProviderNameJa, ClientId, ClientName, accounts, LinkStore.FunctionsOf(Scope),
                CreatedAt, ExpiresAt, LastUsedAt, ending, endedAt, ending == LinkEnding.Revoked ? RevokedReason : null);
        }
    }

    /// <summary>The customer's active grants and those that ended (revoked or expired) since <paramref name="since"/>.</summary>
    private static async Task<List<LinkRow>> LinksAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid customerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT g.id, g.provider_id, p.name, p.name_ja, g.client_id, coalesce(c.metadata->>'client_name', g.client_id), g.scope, g.status,
                   g.created_at, g.expires_at, g.last_used_at, g.revoked_at, g.revoked_reason,
                   coalesce((SELECT array_agg(a.account_id ORDER BY a.account_id) FROM grant_accounts a WHERE a.grant_id = g.id), '{}')
            FROM grants g JOIN providers p ON p.id = g.provider_id JOIN clients c ON c.client_id = g.client_id
            WHERE g.customer_id = $1 AND ((g.status = 'active' AND g.expires_at >= $2) OR (g.status = 'revoked' AND g.revoked_at >= $2))
            ORDER BY g.created_at DESC, g.id
            """, connection, transaction);
        command.Parameters.AddWithValue(customerId);
        command.Parameters.AddWithValue(since);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var links = new List<LinkRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            links.Add(new LinkRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetString(12),
                reader.GetFieldValue<Guid[]>(13)));
        }

        return links;
    }

    [GeneratedRegex(@"^[0-9]{1,10}$", RegexOptions.CultureInvariant)]
    private static partial Regex CustomerNumberPattern();

    [GeneratedRegex(@"^(?:(?<branch>[0-9]{3})[-\s]?)?(?<number>[0-9]{7})$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountNumberPattern();
}
