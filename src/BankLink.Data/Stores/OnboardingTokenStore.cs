using BankLink.Domain.Providers;
using Npgsql;

namespace BankLink.Data.Stores;

/// <summary>Why an onboarding token operation was refused; the message is for the operator who asked.</summary>
public sealed class OnboardingTokenException(string message) : Exception(message);

/// <summary>
/// Issues, renews, revokes and checks provider onboarding tokens. The secret exists only in the value
/// returned by <see cref="IssueAsync"/> and <see cref="RenewAsync"/>; the table holds its SHA-256.
/// </summary>
/// <remarks>
/// Issuing and renewing are not retried on a transient fault: a lost commit answer would otherwise
/// create a second token nobody saw. The operator sees the error and runs the command again.
/// </remarks>
public sealed class OnboardingTokenStore(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private const string Columns = "id, provider_id, person_name, status, created_at, expires_at, renewed_from, last_used_at";

    public async Task<(OnboardingToken Token, IssuedOnboardingToken Issued)> IssueAsync(
        Guid providerId, string personName, string issuedBy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(personName);
        ArgumentException.ThrowIfNullOrWhiteSpace(issuedBy);
        if (personName.Length > 200)
        {
            throw new OnboardingTokenException("The person's name is longer than 200 characters.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RequireActiveProviderAsync(connection, providerId, cancellationToken);
        var issued = await InsertAsync(connection, providerId, personName.Trim(), issuedBy, renewedFrom: null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return issued;
    }

    /// <summary>
    /// Issues a new token with a fresh 60 days for the same person, whether the old one expired or not;
    /// the old one stops working (status renewed). A token can be renewed once: renew its successor next.
    /// </summary>
    public async Task<(OnboardingToken Token, IssuedOnboardingToken Issued)> RenewAsync(string id, string issuedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var old = await FindAsync(connection, id, forUpdate: true, cancellationToken)
            ?? throw new OnboardingTokenException($"No onboarding token has the id '{id}'.");
        switch (old.Status)
        {
            case OnboardingTokenStatus.Renewed:
                var successor = await SuccessorOfAsync(connection, old.Id, cancellationToken);
                throw new OnboardingTokenException($"Onboarding token {old.Id} was already renewed as {successor}; renew that one instead.");
            case OnboardingTokenStatus.Revoked:
                throw new OnboardingTokenException($"Onboarding token {old.Id} was revoked and cannot be renewed; issue a new one.");
        }

        await RequireActiveProviderAsync(connection, old.ProviderId, cancellationToken);
        await SetStatusAsync(connection, old.Id, OnboardingTokenStatus.Renewed, cancellationToken);
        var renewed = await InsertAsync(connection, old.ProviderId, old.PersonName, issuedBy, old.Id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return renewed;
    }

    public async Task RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var token = await FindAsync(connection, id, forUpdate: false, cancellationToken)
            ?? throw new OnboardingTokenException($"No onboarding token has the id '{id}'.");
        if (token.Status == OnboardingTokenStatus.Active)
        {
            await SetStatusAsync(connection, token.Id, OnboardingTokenStatus.Revoked, cancellationToken);
        }
    }

    /// <summary>
    /// The token's record when the pasted value is a live token (known id, matching secret, active, not
    /// expired, its provider active); null otherwise, without saying which, so a guesser learns nothing.
    /// </summary>
    public async Task<IssuedOnboardingToken?> FindUsableAsync(string? pasted, CancellationToken cancellationToken)
    {
        if (!OnboardingToken.TryParse(pasted, out var token))
        {
            return null;
        }

        // A suspended provider's tokens open nothing, whatever their own state.
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns}, token_hash FROM onboarding_tokens
            WHERE id = $1 AND provider_id IN (SELECT id FROM providers WHERE status = 'active')
            """);
        command.Parameters.AddWithValue(token.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var issued = Read(reader);
        var hash = reader.GetFieldValue<byte[]>(8);
        return token.Matches(hash) && issued.IsUsableAt(clock.GetUtcNow()) ? issued : null;
    }

    /// <summary>Records a use (a client registered with it); expiry after use does not affect that client.</summary>
    public async Task MarkUsedAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE onboarding_tokens SET last_used_at = $2, use_count = use_count + 1 WHERE id = $1");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IssuedOnboardingToken?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, id, forUpdate: false, cancellationToken);
    }

    public async Task<IReadOnlyList<IssuedOnboardingToken>> ListAsync(Guid providerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM onboarding_tokens WHERE provider_id = $1 ORDER BY created_at DESC, id");
        command.Parameters.AddWithValue(providerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tokens = new List<IssuedOnboardingToken>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tokens.Add(Read(reader));
        }

        return tokens;
    }

    /// <summary>Inserts a new active token inside the caller's transaction (also used by the operator-aware OnboardingTokenOperations).</summary>
    internal async Task<(OnboardingToken, IssuedOnboardingToken)> InsertAsync(
        NpgsqlConnection connection, Guid providerId, string personName, string issuedBy, string? renewedFrom, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var token = OnboardingToken.Create();
        await using var command = new NpgsqlCommand("""
            INSERT INTO onboarding_tokens (id, provider_id, person_name, token_hash, status, created_at, expires_at, renewed_from, issued_by)
            VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8)
            """, connection);
        command.Parameters.AddWithValue(token.Id);
        command.Parameters.AddWithValue(providerId);
        command.Parameters.AddWithValue(personName);
        command.Parameters.AddWithValue(token.Hash());
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(now + OnboardingToken.Lifetime);
        command.Parameters.AddWithValue((object?)renewedFrom ?? DBNull.Value);
        command.Parameters.AddWithValue(issuedBy.Length > 100 ? issuedBy[..100] : issuedBy);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (token, new IssuedOnboardingToken(token.Id, providerId, personName, OnboardingTokenStatus.Active, now, now + OnboardingToken.Lifetime, renewedFrom, null));
    }

    private static async Task RequireActiveProviderAsync(NpgsqlConnection connection, Guid providerId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT status FROM providers WHERE id = $1", connection);
        command.Parameters.AddWithValue(providerId);
        var status = (string?)await command.ExecuteScalarAsync(cancellationToken);
        if (status is null)
        {
            throw new OnboardingTokenException($"No provider has the id {providerId}.");
        }

        if (status != EnumNames.ToDatabase(ProviderStatus.Active))
        {
            throw new OnboardingTokenException($"Provider {providerId} is {status}: onboarding tokens are issued to active providers only.");
        }
    }

    internal static async Task<IssuedOnboardingToken?> FindAsync(NpgsqlConnection connection, string id, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM onboarding_tokens WHERE id = $1{(forUpdate ? " FOR UPDATE" : "")}", connection);
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    internal static async Task<string?> SuccessorOfAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM onboarding_tokens WHERE renewed_from = $1", connection);
        command.Parameters.AddWithValue(id);
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }

    internal static async Task SetStatusAsync(NpgsqlConnection connection, string id, OnboardingTokenStatus status, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("UPDATE onboarding_tokens SET status = $2 WHERE id = $1", connection);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(EnumNames.ToDatabase(status));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static IssuedOnboardingToken Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetGuid(1),
        reader.GetString(2),
        EnumNames.FromDatabase<OnboardingTokenStatus>(reader.GetString(3)),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
}
