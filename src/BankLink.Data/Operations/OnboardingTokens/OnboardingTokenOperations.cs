using System.Globalization;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Stores;
using BankLink.Domain.Operators;
using BankLink.Domain.Providers;
using Npgsql;

namespace BankLink.Data.Operations.OnboardingTokens;

/// <summary>
/// Onboarding tokens as operators handle them (DOMAIN.md "Provider onboarding tokens"; issue 6): issue to a named
/// person of a provider, list with their state, renew, revoke. Changes are the admin's; every change commits with its audit event
/// (never the secret: the token's id and the person) in one transaction, through <see cref="OnboardingTokenStore"/>'s
/// own writes so tokens are made one way only.
/// </summary>
/// <remarks>
/// Not retried on a transient fault (as <see cref="OnboardingTokenStore"/>): a lost commit answer would otherwise
/// issue a second token nobody saw. The operator sees the error and tries again.
/// </remarks>
public sealed class OnboardingTokenOperations(NpgsqlDataSource dataSource, OnboardingTokenStore store, AuditTrail audit, TimeProvider clock)
{
    public const int MaxPersonNameLength = 200;

    /// <summary>Issues a token valid 60 days to <paramref name="personName"/> of an active provider; the secret is in the answer only.</summary>
    public async Task<IssuedOnboardingTokenSecret> IssueAsync(OperatorActor actor, Guid providerId, string? personName, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        if (!OperatorChecks.TryText(personName, MaxPersonNameLength, out var person))
        {
            throw OperatorChecks.Invalid($"Name the provider's person the token is for: 1 to {MaxPersonNameLength} characters without control characters.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RequireActiveProviderAsync(connection, transaction, providerId, cancellationToken);
        var (token, issued) = await store.InsertAsync(connection, providerId, person, actor.LoginId, renewedFrom: null, cancellationToken);
        await audit.AppendAsync(connection, transaction, OperatorChecks.Event(ProviderOperationEvents.OnboardingTokenIssued, issued.CreatedAt, actor, why, providerId, new JsonObject
        {
            ["tokenId"] = token.Id,
            ["personName"] = person,
            ["expiresAt"] = issued.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
        }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IssuedOnboardingTokenSecret(token, View(issued, actor.LoginId, null, 0));
    }

    /// <summary>
    /// Issues a new token with a fresh 60 days for the same person in place of <paramref name="id"/> (expired or not),
    /// which stops at once. Conflict when it was renewed already (the message names its successor) or revoked.
    /// </summary>
    public async Task<IssuedOnboardingTokenSecret> RenewAsync(OperatorActor actor, string? id, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var old = await LockAsync(connection, id, cancellationToken);
        switch (old.Status)
        {
            case OnboardingTokenStatus.Renewed:
                throw OperatorChecks.Conflict(
                    $"Onboarding token {old.Id} was already renewed as {await OnboardingTokenStore.SuccessorOfAsync(connection, old.Id, cancellationToken)}; renew that one instead.");
            case OnboardingTokenStatus.Revoked:
                throw OperatorChecks.Conflict($"Onboarding token {old.Id} was revoked and cannot be renewed; issue a new one.");
        }

        await RequireActiveProviderAsync(connection, transaction, old.ProviderId, cancellationToken);
        await OnboardingTokenStore.SetStatusAsync(connection, old.Id, OnboardingTokenStatus.Renewed, cancellationToken);
        var (token, issued) = await store.InsertAsync(connection, old.ProviderId, old.PersonName, actor.LoginId, old.Id, cancellationToken);
        await audit.AppendAsync(connection, transaction, OperatorChecks.Event(ProviderOperationEvents.OnboardingTokenRenewed, issued.CreatedAt, actor, why, old.ProviderId, new JsonObject
        {
            ["tokenId"] = token.Id,
            ["renewedFrom"] = old.Id,
            ["personName"] = old.PersonName,
            ["expiresAt"] = issued.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
        }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new IssuedOnboardingTokenSecret(token, View(issued, actor.LoginId, null, 0));
    }

    /// <summary>Withdraws a token (expired or not); clients already registered with it keep working. Conflict unless it is active.</summary>
    public async Task<OnboardingTokenView> RevokeAsync(OperatorActor actor, string? id, string? reason, CancellationToken cancellationToken)
    {
        var why = OperatorChecks.RequireMutation(actor, OperatorRole.Admin, reason);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var token = await LockAsync(connection, id, cancellationToken);
        if (token.Status != OnboardingTokenStatus.Active)
        {
            throw OperatorChecks.Conflict($"Onboarding token {token.Id} is {EnumNames.ToDatabase(token.Status)} already.");
        }

        await OnboardingTokenStore.SetStatusAsync(connection, token.Id, OnboardingTokenStatus.Revoked, cancellationToken);
        await audit.AppendAsync(connection, transaction, OperatorChecks.Event(ProviderOperationEvents.OnboardingTokenRevoked, now, actor, why, token.ProviderId, new JsonObject
        {
            ["tokenId"] = token.Id,
            ["personName"] = token.PersonName,
        }), cancellationToken);
        var view = (await ListAsync(connection, token.ProviderId, now, cancellationToken)).Single(t => t.Id == token.Id);
        await transaction.CommitAsync(cancellationToken);
        return view;
    }

    /// <summary>A provider's tokens, newest first, with their state now (any role: ids and names, never a secret).</summary>
    public async Task<IReadOnlyList<OnboardingTokenView>> ListAsync(OperatorActor actor, Guid providerId, CancellationToken cancellationToken)
    {
        OperatorChecks.RequireRole(actor, OperatorRole.Viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM providers WHERE id = $1", connection))
        {
            exists.Parameters.AddWithValue(providerId);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                throw OperatorChecks.NotFound($"No provider has the id {providerId}.");
            }
        }

        return await ListAsync(connection, providerId, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>One token with its state now; not_found when unknown.</summary>
    public async Task<OnboardingTokenView> GetAsync(OperatorActor actor, string? id, CancellationToken cancellationToken)
    {
        OperatorChecks.RequireRole(actor, OperatorRole.Viewer);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var token = await FindAsync(connection, id, forUpdate: false, cancellationToken);
        return (await ListAsync(connection, token.ProviderId, clock.GetUtcNow(), cancellationToken)).Single(t => t.Id == token.Id);
    }

    /// <summary>The state of a stored token at <paramref name="now"/> (see <see cref="OnboardingTokenState"/>).</summary>
    public static OnboardingTokenState StateOf(OnboardingTokenStatus status, DateTimeOffset expiresAt, int useCount, DateTimeOffset now) => status switch
    {
        OnboardingTokenStatus.Revoked => OnboardingTokenState.Revoked,
        OnboardingTokenStatus.Renewed => OnboardingTokenState.Renewed,
        _ when now >= expiresAt => OnboardingTokenState.Expired,
        _ when useCount > 0 => OnboardingTokenState.Used,
        _ => OnboardingTokenState.Valid,
    };

    internal static async Task<IReadOnlyList<OnboardingTokenView>> ListAsync(NpgsqlConnection connection, Guid providerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT t.id, t.person_name, t.status, t.created_at, t.expires_at, t.renewed_from, s.id, t.use_count, t.last_used_at, t.issued_by
            FROM onboarding_tokens t LEFT JOIN onboarding_tokens s ON s.renewed_from = t.id
            WHERE t.provider_id = $1
            ORDER BY t.created_at DESC, t.id
            """, connection);
        command.Parameters.AddWithValue(providerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tokens = new List<OnboardingTokenView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var status = EnumNames.FromDatabase<OnboardingTokenStatus>(reader.GetString(2));
            var expiresAt = reader.GetFieldValue<DateTimeOffset>(4);
            var useCount = reader.GetInt32(7);
            tokens.Add(new OnboardingTokenView(reader.GetString(0), providerId, reader.GetString(1), StateOf(status, expiresAt, useCount, now),
                reader.GetFieldValue<DateTimeOffset>(3), expiresAt, reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                useCount, reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.GetString(9)));
        }

        return tokens;
    }

    private static OnboardingTokenView View(IssuedOnboardingToken issued, string issuedBy, string? renewedTo, int useCount) => new(
        issued.Id, issued.ProviderId, issued.PersonName, OnboardingTokenState.Valid, issued.CreatedAt, issued.ExpiresAt, issued.RenewedFrom, renewedTo,
        useCount, issued.LastUsedAt, issuedBy.Length > 100 ? issuedBy[..100] : issuedBy);

    private static Task<IssuedOnboardingToken> LockAsync(NpgsqlConnection connection, string? id, CancellationToken cancellationToken) =>
        FindAsync(connection, id, forUpdate: true, cancellationToken);

    private static async Task<IssuedOnboardingToken> FindAsync(NpgsqlConnection connection, string? id, bool forUpdate, CancellationToken cancellationToken)
    {
        // The id is the part before '@'; anything else cannot name a token (checked before any lookup).
        var found = id is { Length: OnboardingToken.IdLength } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'z'))
            ? await OnboardingTokenStore.FindAsync(connection, id, forUpdate, cancellationToken)
            : null;
        return found ?? throw OperatorChecks.NotFound($"No onboarding token has the id '{id}'.");
    }

    private static async Task RequireActiveProviderAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid providerId, CancellationToken cancellationToken)
    {
        // FOR SHARE: a suspension committing meanwhile waits for this token to be issued (and then stops it), never the reverse.
        await using var command = new NpgsqlCommand("SELECT status FROM providers WHERE id = $1 FOR SHARE", connection, transaction);
        command.Parameters.AddWithValue(providerId);
        switch (await command.ExecuteScalarAsync(cancellationToken))
        {
            case null:
                throw OperatorChecks.NotFound($"No provider has the id {providerId}.");
            case string status when status != EnumNames.ToDatabase(ProviderStatus.Active):
                throw OperatorChecks.Conflict($"Provider {providerId} is {status}: onboarding tokens are issued to active providers only.");
        }
    }
}
