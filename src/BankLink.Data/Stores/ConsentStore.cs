using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Registrations;
using BankLink.Protocol.Stores;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Data.Stores;

/// <summary>The authorization code a consent issues, less what the store fills in (its grant and the grant's scope).</summary>
/// <param name="Hash">SHA-256 of the code's value (ARCHITECTURE.md: the database never holds a usable token).</param>
public sealed record ConsentCode(Guid Id, byte[] Hash, string? DpopJkt, JsonObject Payload, DateTimeOffset ExpiresAt);

/// <summary>
/// A customer's approval of a pushed request. <see cref="Action"/> is create (a new grant) or merge/replace of
/// <see cref="GrantId"/> (FAPI Grant Management §5.2).
/// </summary>
/// <param name="AccountIds">The accounts ticked; each must be in the customer's valid registration (checked in the transaction) and linkable (checked by the caller against the core).</param>
/// <param name="LinkableAccountIds">The customer's accounts the core calls linkable now (merge keeps only those of the grant's that still are, and are registered).</param>
/// <param name="ExpiresAt">The permission's end as the consent gives it; cut to the registration's end, which a permission never outlives.</param>
public sealed record ConsentApproval(
    byte[] RequestUriHash,
    string ClientId,
    Guid ProviderId,
    Guid CustomerId,
    string Action,
    Guid? GrantId,
    string Scope,
    IReadOnlyList<Guid> AccountIds,
    IReadOnlySet<Guid> LinkableAccountIds,
    DateTimeOffset ExpiresAt,
    ConsentCode Code);

/// <summary>A customer's refusal of a pushed request.</summary>
public sealed record ConsentDenial(byte[] RequestUriHash, string ClientId, Guid ProviderId, Guid CustomerId, string Action, Guid? GrantId, string Scope);

/// <summary>What an approval did.</summary>
public enum ConsentOutcome
{
    /// <summary>The request was consumed, the grant created or updated and the code stored, with the audit event.</summary>
    Approved,

    /// <summary>The pushed request was already answered or expired: nothing changed.</summary>
    AlreadyAnswered,

    /// <summary>The customer holds no valid registration, or ticked an account outside it: nothing changed, the request still open.</summary>
    NotRegistered,

    /// <summary>merge/replace: the grant ended, is not this client's and customer's, or would be left without an account. The request is consumed (it was answered, with invalid_grant_id), the grant unchanged.</summary>
    GrantEnded,
}

/// <summary>The outcome of an approval, with the grant as it stands after it (for <see cref="ConsentOutcome.Approved"/>).</summary>
public sealed record ConsentResult(ConsentOutcome Outcome, Grant? Grant);

/// <summary>
/// The customer's answer to a consent in one transaction: the pushed request consumed (RFC 9126 §4), the grant
/// created or updated, the authorization code stored and the audit event appended; or, on denial, the request
/// consumed and the refusal audited. A failure at any step leaves nothing behind, in particular no grant the
/// provider never received a code for, and leaves the request open for a retry.
/// </summary>
public sealed class ConsentStore(Npgsql.NpgsqlDataSource dataSource, AuditTrail audit, TimeProvider clock)
{
    public async Task<ConsentResult> ApproveAsync(ConsentApproval approval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // DOMAIN.md "Two consents": a provider may be allowed only registered accounts, and only while the registration
        // stands. Held FOR SHARE until commit, so a new registration cannot drop an account under this consent.
        var registration = await RegistrationStore.FindValidAsync(connection, transaction, approval.CustomerId, now, lockForShare: true, cancellationToken);
        if (registration is null || !approval.AccountIds.All(registration.AccountIds.Contains))
        {
            return new ConsentResult(ConsentOutcome.NotRegistered, null);
        }

        if (!await PushedRequestStore.TryConsumeAsync(connection, transaction, approval.RequestUriHash, now, cancellationToken))
        {
            return new ConsentResult(ConsentOutcome.AlreadyAnswered, null);
        }

        var expiresAt = approval.ExpiresAt < registration.ExpiresAt ? approval.ExpiresAt : registration.ExpiresAt;
        var chosen = approval.AccountIds.Distinct().ToList();
        Grant grant;
        string eventType;
        if (approval.Action == GrantManagementActions.Create || approval.GrantId is null)
        {
            grant = new Grant(Guid.NewGuid(), approval.ClientId, approval.ProviderId, approval.CustomerId, approval.Scope, chosen, now, expiresAt);
            await GrantStore.InsertAsync(connection, transaction, grant, cancellationToken);
            eventType = AuditEventTypes.GrantCreated;
        }
        else
        {
            var keepable = approval.LinkableAccountIds.Where(registration.AccountIds.Contains).ToHashSet();
            var updated = await GrantStore.UpdateAsync(connection, transaction, new GrantUpdate(approval.GrantId.Value, approval.ClientId, approval.CustomerId,
                approval.Action, approval.Scope, chosen, keepable, expiresAt), now, cancellationToken);
            if (updated is null)
            {
                // Answered all the same (invalid_grant_id on the redirect): only the consumption commits.
                await transaction.CommitAsync(cancellationToken);
                return new ConsentResult(ConsentOutcome.GrantEnded, null);
            }

            grant = updated;
            eventType = AuditEventTypes.GrantUpdated;
        }

        // The code belongs to the grant, new or updated, so the token response returns that grant_id (Grant Management §5.4).
        var code = approval.Code;
        await TokenStore.InsertAsync(connection, transaction, new StoredToken(code.Id, StoredTokenKind.AuthorizationCode, approval.ClientId, grant.Id, null,
            grant.Scope, code.DpopJkt, StoredTokenStatus.Active, now, code.ExpiresAt) { Payload = code.Payload }, code.Hash, previousId: null, cancellationToken);
        await audit.AppendAsync(connection, transaction, new AuditEvent(eventType, now, AuditActorKinds.Customer, approval.CustomerId.ToString(),
            approval.CustomerId, approval.ProviderId, approval.ClientId, grant.Id, Detail: new JsonObject
            {
                ["action"] = approval.Action,
                ["scope"] = grant.Scope,
                ["accounts"] = new JsonArray([.. grant.AccountIds.Select(id => JsonValue.Create(id.ToString()))]),
                ["expires_at"] = grant.ExpiresAt.ToString("O"),
                ["registration_id"] = registration.Id.ToString(),
            }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ConsentResult(ConsentOutcome.Approved, grant);
    }

    /// <summary>Consumes the request and audits the refusal; false (nothing written) when it was already answered. A denied merge or replace leaves the grant as it was.</summary>
    public async Task<bool> DenyAsync(ConsentDenial denial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(denial);
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await PushedRequestStore.TryConsumeAsync(connection, transaction, denial.RequestUriHash, now, cancellationToken))
        {
            return false;
        }

        await audit.AppendAsync(connection, transaction, new AuditEvent(AuditEventTypes.ConsentDenied, now, AuditActorKinds.Customer, denial.CustomerId.ToString(),
            denial.CustomerId, denial.ProviderId, denial.ClientId, denial.GrantId, Detail: new JsonObject { ["action"] = denial.Action, ["scope"] = denial.Scope }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
