using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Operations.Dashboard;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Domain.Operators;
using BankLink.Domain.Providers;
using Npgsql;

namespace BankLink.Data.Operations.Providers;

/// <summary>
/// Providers as operators see and run them (issue 6): the list and one provider's page (viewer), suspension and
/// reinstatement and the chained recipients (admin). Each mutation checks the role and the reason itself, and commits
/// its change with its audit event (actor kind operator, the reason in the detail) in one transaction.
/// </summary>
/// <remarks>
/// Suspension (DOMAIN.md "How links end"; the issue: "suspension kills every token of the provider at once"):
/// - the provider and its clients are suspended; every endpoint that authenticates a client reads active clients
///   only, so the provider can no longer redeem refresh tokens, push requests, introspect or revoke, and the resource
///   API's check on provider and client refuses whatever token it still holds;
/// - every live access token (customers' and client_credentials) and unredeemed authorization code of its clients is
///   revoked, and its pushed requests not yet used are removed (no consent can complete meanwhile);
/// - the customers' grants stay: their permissions stand, they still see and can end them in "my links", and they
///   expire as they would have;
/// - refresh tokens are kept by default, refused while suspended and usable again after reinstatement, so a
///   reinstated provider resumes with a refresh grant instead of sending every customer back to consent. When the
///   provider itself is compromised the admin passes <c>revokeRefreshTokens</c>: then every refresh token is revoked
///   too, and after reinstatement each customer must consent again (grant_management_action merge on the same grant).
/// </remarks>
public sealed class ProviderOperations(NpgsqlDataSource dataSource, AuditTrail audit, TimeProvider clock)
{
    /// <summary>At most this many chained recipients per provider: the consent screen names every one.</summary>
    public const int MaxChainedRecipients = 20;

    public const int MaxRecipientNameLength = 200;
    public const int MaxRecipientPurposeLength = 500;

    /// <summary>Every provider, by name: its status, clients, active links.</summary>
    public async Task<IReadOnlyList<ProviderSummary>> ListAsync(OperatorActor actor, CancellationToken cancellationToken)
    {
        OperatorChecks.RequireRole(actor, OperatorRole.Viewer);
        await using var command = dataSource.CreateCommand("""
            WITH links AS (
                SELECT provider_id, count(*) AS n FROM grants WHERE status = 'active' AND expires_at > $1 GROUP BY provider_id),
            registered AS (
                SELECT provider_id, count(*) AS n FROM clients WHERE status <> 'deleted' GROUP BY provider_id)
            SELECT p.id, p.name, p.name_ja, p.status, p.is_sandbox, p.created_at, coalesce(r.n, 0), coalesce(l.n, 0)
            FROM providers p LEFT JOIN links l ON l.provider_id = p.id LEFT JOIN registered r ON r.provider_id = p.id
            ORDER BY p.name, p.id
            """);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var providers = new List<ProviderSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            providers.Add(new ProviderSummary(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), EnumNames.FromDatabase<ProviderStatus>(reader.GetString(3)),
                reader.GetBoolean(4), (int)reader.GetInt64(6), (int)reader.GetInt64(7), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return providers;
    }

    /// <summary>One provider's page: clients, chained recipients, active links, the last 24 hours' traffic, onboarding tokens.</summary>
    public async Task<ProviderDetails> GetAsync(OperatorActor actor, Guid providerId, CancellationToken cancellationToken)
    {
        OperatorChecks.RequireRole(actor, OperatorRole.Viewer);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        ProviderDetails details;
        await using (var command = new NpgsqlCommand("""
            SELECT name, name_ja, description, description_ja, website, status, is_sandbox, created_at,
                   (SELECT count(*) FROM grants WHERE provider_id = p.id AND status = 'active' AND expires_at > $2)
            FROM providers p WHERE id = $1
            """, connection))
        {
            command.Parameters.AddWithValue(providerId);
            command.Parameters.AddWithValue(now);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw OperatorChecks.NotFound($"No provider has the id {providerId}.");
            }

            details = new ProviderDetails(providerId, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), EnumNames.FromDatabase<ProviderStatus>(reader.GetString(5)), reader.GetBoolean(6),
                reader.GetFieldValue<DateTimeOffset>(7), [], [], (int)reader.GetInt64(8), [], []);
        }

        return details with
        {
            Clients = await ClientsAsync(connection, providerId, now, cancellationToken),
            ChainedRecipients = await RecipientsAsync(connection, providerId, cancellationToken),
            Traffic = await TrafficAsync(connection, providerId, now, cancellationToken),
            OnboardingTokens = await OnboardingTokenOperations.ListAsync(connection, providerId, now, cancellationToken),
        };
    }

    /// <summary>Suspends an active provider (see the remarks of <see cref="ProviderOperations"/>); conflict when it is suspended already.</summary>
    public async Task<ProviderSuspension> SuspendAsync(OperatorActor actor, Guid providerId, string? reason, bool revokeRefreshTokens, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockStatusAsync(connection, transaction, providerId, cancellationToken) == ProviderStatus.Suspended)
        {
            throw OperatorChecks.Conflict($"Provider {providerId} is suspended already.");
        }

        var clients = await SetStatusAsync(connection, transaction, providerId, ProviderStatus.Active, ProviderStatus.Suspended, now, cancellationToken);

        // Every client the provider ever registered (a deleted one's tokens too): set-based, one statement (STYLE.md 9).
        var revoked = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            WITH revoked AS (
                UPDATE tokens SET status = 'revoked', revoked_at = $2
                WHERE client_id IN (SELECT client_id FROM clients WHERE provider_id = $1) AND status = 'active'
                  AND (kind <> 'refresh_token' OR $3)
                RETURNING kind)
            SELECT kind, count(*) FROM revoked GROUP BY kind
            """, connection, transaction))
        {
            command.Parameters.AddWithValue(providerId);
            command.Parameters.AddWithValue(now);
            command.Parameters.AddWithValue(revokeRefreshTokens);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                revoked[reader.GetString(0)] = (int)reader.GetInt64(1);
            }
        }

        var pushed = await ExecuteAsync(connection, transaction,
            "DELETE FROM pushed_requests WHERE client_id IN (SELECT client_id FROM clients WHERE provider_id = $1) AND consumed_at IS NULL",
            cancellationToken, providerId);
        var result = new ProviderSuspension(providerId, clients, revoked.GetValueOrDefault("access_token"), revoked.GetValueOrDefault("authorization_code"),
            revoked.GetValueOrDefault("refresh_token"), pushed);
        await audit.AppendAsync(connection, transaction, OperatorChecks.Event(ProviderOperationEvents.ProviderSuspended, now, actor, why, providerId, new JsonObject
        {
            ["clientsSuspended"] = JsonList(clients),
            ["accessTokensRevoked"] = result.AccessTokensRevoked,
            ["authorizationCodesRevoked"] = result.AuthorizationCodesRevoked,
            ["refreshTokensRevoked"] = result.RefreshTokensRevoked,
            ["refreshTokensKept"] = !revokeRefreshTokens,
            ["pushedRequestsRemoved"] = pushed,
        }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Reinstates a suspended provider and the clients suspended with it; conflict when it is active.</summary>
    /// <returns>The clients active again.</returns>
    public async Task<IReadOnlyList<string>> ReinstateAsync(OperatorActor actor, Guid providerId, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await LockStatusAsync(connection, transaction, providerId, cancellationToken) == ProviderStatus.Active)
        {
            throw OperatorChecks.Conflict($"Provider {providerId} is not suspended.");
        }

        var clients = await SetStatusAsync(connection, transaction, providerId, ProviderStatus.Suspended, ProviderStatus.Active, now, cancellationToken);
        await audit.AppendAsync(connection, transaction, OperatorChecks.Event(ProviderOperationEvents.ProviderReinstated, now, actor, why, providerId, new JsonObject
        {
            ["clientsReinstated"] = JsonList(clients),
        }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return clients;
    }

    /// <summary>Adds a chained recipient; the consent screen names it from now on.</summary>
    public async Task<ProviderRecipient> AddChainedRecipientAsync(OperatorActor actor, Guid providerId, ChainedRecipientInput input, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        var (name, nameJa, purpose, purposeJa) = ValidateRecipient(input);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockStatusAsync(connection, transaction, providerId, cancellationToken);
        var existing = await RecipientsAsync(connection, providerId, cancellationToken);
        if (existing.Count >= MaxChainedRecipients)
        {
            throw OperatorChecks.Conflict($"A provider has at most {MaxChainedRecipients} chained recipients; remove one first.");
        }

        RequireUniqueNames(existing, null, name, nameJa);
        var added = new ProviderRecipient(Guid.NewGuid(), name, nameJa, purpose, purposeJa, now);
        await ExecuteAsync(connection, transaction, """
            INSERT INTO chained_recipients (id, provider_id, name, name_ja, purpose, purpose_ja, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, cancellationToken, added.Id, providerId, name, nameJa, purpose, purposeJa, now);
        await AppendRecipientChangeAsync(connection, transaction, actor, why, providerId, "added", added.Id, null, added, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>Changes a chained recipient's names and purposes.</summary>
    public async Task<ProviderRecipient> ChangeChainedRecipientAsync(
        OperatorActor actor, Guid providerId, Guid recipientId, ChainedRecipientInput input, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        var (name, nameJa, purpose, purposeJa) = ValidateRecipient(input);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockStatusAsync(connection, transaction, providerId, cancellationToken);
        var existing = await RecipientsAsync(connection, providerId, cancellationToken);
        var before = existing.FirstOrDefault(r => r.Id == recipientId)
            ?? throw OperatorChecks.NotFound($"Provider {providerId} has no chained recipient {recipientId}.");
        RequireUniqueNames(existing, recipientId, name, nameJa);
        var after = before with { Name = name, NameJa = nameJa, Purpose = purpose, PurposeJa = purposeJa };
        if (after == before)
        {
            throw OperatorChecks.Conflict("Nothing to change: the chained recipient already reads so.");
        }

        await ExecuteAsync(connection, transaction, "UPDATE chained_recipients SET name = $3, name_ja = $4, purpose = $5, purpose_ja = $6 WHERE id = $1 AND provider_id = $2",
            cancellationToken, recipientId, providerId, name, nameJa, purpose, purposeJa);
        await AppendRecipientChangeAsync(connection, transaction, actor, why, providerId, "changed", recipientId, before, after, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return after;
    }

    /// <summary>Removes a chained recipient; the consent screen no longer names it.</summary>
    public async Task RemoveChainedRecipientAsync(OperatorActor actor, Guid providerId, Guid recipientId, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockStatusAsync(connection, transaction, providerId, cancellationToken);
        var before = (await RecipientsAsync(connection, providerId, cancellationToken)).FirstOrDefault(r => r.Id == recipientId)
            ?? throw OperatorChecks.NotFound($"Provider {providerId} has no chained recipient {recipientId}.");
        await ExecuteAsync(connection, transaction, "DELETE FROM chained_recipients WHERE id = $1 AND provider_id = $2", cancellationToken, recipientId, providerId);
        await AppendRecipientChangeAsync(connection, transaction, actor, why, providerId, "removed", recipientId, before, null, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private Task AppendRecipientChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, OperatorActor actor, string why, Guid providerId,
        string change, Guid recipientId, ProviderRecipient? before, ProviderRecipient? after, DateTimeOffset now, CancellationToken cancellationToken) =>
        audit.AppendAsync(connection, transaction, OperatorChecks.Event(ProviderOperationEvents.ChainedRecipientsChanged, now, actor, why, providerId, new JsonObject
        {
            ["change"] = change,
            ["recipientId"] = recipientId.ToString(),
            ["before"] = RecipientJson(before),
            ["after"] = RecipientJson(after),
        }), cancellationToken);

    private static JsonArray JsonList(IEnumerable<string> items) => [.. items.Select(i => (JsonNode)i)];

    private static JsonObject? RecipientJson(ProviderRecipient? recipient) => recipient is null ? null : new JsonObject
    {
        ["name"] = recipient.Name,
        ["nameJa"] = recipient.NameJa,
        ["purpose"] = recipient.Purpose,
        ["purposeJa"] = recipient.PurposeJa,
    };

    private static (string Name, string NameJa, string Purpose, string PurposeJa) ValidateRecipient(ChainedRecipientInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!OperatorChecks.TryText(input.Name, MaxRecipientNameLength, out var name) || !OperatorChecks.TryText(input.NameJa, MaxRecipientNameLength, out var nameJa))
        {
            throw OperatorChecks.Invalid($"A chained recipient needs an English and a Japanese name, each 1 to {MaxRecipientNameLength} characters without control characters.");
        }

        if (!OperatorChecks.TryText(input.Purpose, MaxRecipientPurposeLength, out var purpose) || !OperatorChecks.TryText(input.PurposeJa, MaxRecipientPurposeLength, out var purposeJa))
        {
            throw OperatorChecks.Invalid($"A chained recipient needs an English and a Japanese purpose, each 1 to {MaxRecipientPurposeLength} characters without control characters.");
        }

        return (name, nameJa, purpose, purposeJa);
    }

    /// <summary>Two recipients of one provider never share a name in either language: customers could not tell them apart.</summary>
    private static void RequireUniqueNames(IReadOnlyList<ProviderRecipient> existing, Guid? except, string name, string nameJa)
    {
        if (existing.Any(r => r.Id != except && (string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(r.NameJa, nameJa, StringComparison.Ordinal))))
        {
            throw OperatorChecks.Conflict("The provider already has a chained recipient of that name.");
        }
    }

    /// <summary>Locks the provider's row (so its changes are serialised) and reads its status; not_found when unknown.</summary>
    private static async Task<ProviderStatus> LockStatusAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid providerId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT status FROM providers WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue(providerId);
        return await command.ExecuteScalarAsync(cancellationToken) is string status
            ? EnumNames.FromDatabase<ProviderStatus>(status)
            : throw OperatorChecks.NotFound($"No provider has the id {providerId}.");
    }

    /// <summary>
    /// Sets the provider's status to <paramref name="to"/> and moves its clients in <paramref name="from"/> with it (a
    /// deleted client stays deleted; a client's status names active and suspended as a provider's do).
    /// </summary>
    /// <returns>The clients moved, sorted.</returns>
    private static async Task<IReadOnlyList<string>> SetStatusAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid providerId,
        ProviderStatus from, ProviderStatus to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "UPDATE providers SET status = $2 WHERE id = $1", cancellationToken, providerId, EnumNames.ToDatabase(to));
        await using var command = new NpgsqlCommand(
            "UPDATE clients SET status = $3, updated_at = $2 WHERE provider_id = $1 AND status = $4 RETURNING client_id", connection, transaction);
        command.Parameters.AddWithValue(providerId);
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(EnumNames.ToDatabase(to));
        command.Parameters.AddWithValue(EnumNames.ToDatabase(from));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    private static async Task<IReadOnlyList<ProviderClient>> ClientsAsync(NpgsqlConnection connection, Guid providerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The last access token: the tokens table holds roughly the last day (expired tokens are pruned a day after
        // they expire), the hourly roll-up the rest; its hour start stands for a token issued within that hour.
        await using var command = new NpgsqlCommand("""
            SELECT c.client_id, coalesce(c.metadata->>'client_name', c.client_id), c.status, c.profile, c.registered_with, c.created_at,
                   coalesce((SELECT max(t.created_at) FROM tokens t WHERE t.client_id = c.client_id AND t.kind = 'access_token'),
                            (SELECT max(s.bucket_hour) FROM token_issue_counts s WHERE s.client_id = c.client_id AND s.bucket_hour >= $2))
            FROM clients c WHERE c.provider_id = $1
            ORDER BY c.created_at, c.client_id
            """, connection);
        command.Parameters.AddWithValue(providerId);
        command.Parameters.AddWithValue(now - StatisticsRollup.Retention);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var clients = new List<ProviderClient>();
        while (await reader.ReadAsync(cancellationToken))
        {
            clients.Add(new ProviderClient(reader.GetString(0), reader.GetString(1), EnumNames.FromDatabase<ProviderClientStatus>(reader.GetString(2)),
                reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return clients;
    }

    private static async Task<IReadOnlyList<ProviderRecipient>> RecipientsAsync(NpgsqlConnection connection, Guid providerId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT id, name, name_ja, purpose, purpose_ja, created_at FROM chained_recipients WHERE provider_id = $1 ORDER BY created_at, name", connection);
        command.Parameters.AddWithValue(providerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var recipients = new List<ProviderRecipient>();
        while (await reader.ReadAsync(cancellationToken))
        {
            recipients.Add(new ProviderRecipient(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return recipients;
    }

    /// <summary>The provider's requests and refusals per hour over the last 24 hours (the current hour last), as flushed by every node.</summary>
    private static async Task<IReadOnlyList<ProviderHourlyTraffic>> TrafficAsync(NpgsqlConnection connection, Guid providerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var first = StatisticsTime.HourOf(now).AddHours(-23);
        var requests = new Dictionary<DateTimeOffset, long>();
        var refusals = new Dictionary<(DateTimeOffset, RefusalReason), long>();
        await using (var command = new NpgsqlCommand("""
            SELECT q.bucket_hour, NULL, sum(q.count) FROM request_counts q JOIN clients c ON c.client_id = q.client_id
            WHERE c.provider_id = $1 AND q.bucket_hour >= $2 GROUP BY q.bucket_hour
            UNION ALL
            SELECT r.bucket_hour, r.reason, sum(r.count) FROM refusal_counts r JOIN clients c ON c.client_id = r.client_id
            WHERE c.provider_id = $1 AND r.bucket_hour >= $2 GROUP BY r.bucket_hour, r.reason
            """, connection))
        {
            command.Parameters.AddWithValue(providerId);
            command.Parameters.AddWithValue(first);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var hour = reader.GetFieldValue<DateTimeOffset>(0).ToUniversalTime();
                var count = (long)reader.GetDecimal(2);
                if (reader.IsDBNull(1))
                {
                    requests[hour] = count;
                }
                else
                {
                    refusals[(hour, EnumNames.FromDatabase<RefusalReason>(reader.GetString(1)))] = count;
                }
            }
        }

        return [.. Enumerable.Range(0, 24).Select(i =>
        {
            var hour = first.AddHours(i);
            var byReason = Enum.GetValues<RefusalReason>().ToDictionary(r => r, r => refusals.GetValueOrDefault((hour, r)));
            return new ProviderHourlyTraffic(hour, requests.GetValueOrDefault(hour), byReason.Values.Sum(), byReason);
        })];
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
