using System.Text.Json.Nodes;
using BankLink.CoreBanking;
using BankLink.CoreBanking.DemoLedger;
using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Domain.Accounts;
using BankLink.Domain.Operators;
using BankLink.Domain.Time;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Operations.Customers;

/// <summary>What recording an account's closure or stop changed.</summary>
/// <param name="CoreUpdated">
/// True when the account's state was written to the core as well. That is possible only with the embedded demo
/// ledger. A real core is the truth and is never written by BankLink: only the links change, and the core reports
/// the state itself.
/// </param>
/// <param name="LinksChanged">Active links that named the account and lost it.</param>
/// <param name="LinksEnded">Of those, the links left with no account: ended, their tokens revoked.</param>
public sealed record AccountStateRecord(Guid AccountId, AccountStatus NewStatus, bool CoreUpdated, IReadOnlyList<Guid> LinksChanged, IReadOnlyList<Guid> LinksEnded);

/// <summary>
/// An operator records that an account was closed (解約) or stopped (凍結) (issue 6 "Record an account closure or
/// stop"): the account leaves every permission at once, and a permission left with no account ends
/// (<see cref="AccountStateChanges"/>, the code the resource API uses when the core reports it). It needs the
/// operator role and a reason and runs as one transaction. With the demo ledger, the ledger row is marked closed or
/// frozen in the same transaction, so every later read (consent, resource API) sees the new state.
/// </summary>
public sealed class AccountStateOperations(
    NpgsqlDataSource dataSource, ICoreBankingGateway core, AccountStateChanges accountStates, AuditTrail audit,
    IOptions<CoreBankingOptions> coreOptions, TimeProvider clock)
{
    /// <summary>
    /// Records <paramref name="newStatus"/> (<see cref="AccountStatus.Closed"/> or <see cref="AccountStatus.Frozen"/>)
    /// for one of the customer's accounts. An account that is not the customer's is <c>not_found</c>. A state that is
    /// already recorded, with no link left naming the account, is <c>conflict</c>. A closed account cannot be frozen.
    /// A core that cannot be reached throws <see cref="CoreUnavailableException"/>, and nothing changes.
    /// </summary>
    public async Task<AccountStateRecord> RecordAsync(
        OperatorActor actor, Guid customerId, Guid accountId, AccountStatus newStatus, string? reason, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Operator, "Recording an account closure or stop");
        var why = OperatorGuard.RequireReason(reason);
        if (newStatus is not (AccountStatus.Closed or AccountStatus.Frozen))
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, "Record an account as closed or frozen.");
        }

        var customerNumber = await Registrations.RegistrationStore.CustomerNumberAsync(dataSource, customerId, cancellationToken)
            ?? throw OperatorGuard.Missing("No customer has that id.");
        var account = await core.GetAccountAsync(accountId, cancellationToken);
        if (account is null || account.CustomerNumber != customerNumber)
        {
            throw OperatorGuard.Missing("The customer has no account with that id.");
        }

        var writesLedger = coreOptions.Value.Mode == CoreBankingMode.Demo;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = writesLedger ? await LockLedgerStatusAsync(connection, transaction, accountId, cancellationToken) ?? account.Status : account.Status;
        if (current == AccountStatus.Closed && newStatus == AccountStatus.Frozen)
        {
            throw new OperationRefusedException(OperatorGuard.Conflict, "The account is closed: a closed account cannot be frozen.");
        }

        var alreadyRecorded = current == newStatus;
        var coreUpdated = false;
        if (writesLedger && !alreadyRecorded)
        {
            await using var update = new NpgsqlCommand(
                "UPDATE ledger.accounts SET status = $2, closed_on = $3 WHERE id = $1", connection, transaction);
            update.Parameters.AddWithValue(accountId);
            update.Parameters.AddWithValue(LedgerNames.Status(newStatus));
            update.Parameters.Add(new NpgsqlParameter
            {
                Value = newStatus == AccountStatus.Closed ? JapanTime.Today(clock) : DBNull.Value,
                NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date,
            });
            coreUpdated = await update.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        var change = await accountStates.RecordAsync(connection, transaction, accountId, newStatus, why, actor.ToAuditActor(), cancellationToken);
        if (change.Unchanged)
        {
            if (alreadyRecorded)
            {
                throw new OperationRefusedException(OperatorGuard.Conflict,
                    $"The account is already {LedgerNames.Status(current)} and no link names it: nothing to record.");
            }

            // No link named the account, so AccountStateChanges wrote nothing: the operator's record still goes to the trail.
            await audit.AppendAsync(connection, transaction, new AuditEvent(
                newStatus == AccountStatus.Closed ? AuditEventTypes.AccountClosed : AuditEventTypes.AccountStopped, clock.GetUtcNow(),
                AuditActorKinds.Operator, actor.LoginId, customerId, AccountId: accountId,
                Detail: new JsonObject { ["reason"] = why, ["core_updated"] = coreUpdated }), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new AccountStateRecord(accountId, newStatus, coreUpdated, change.LinksChanged, change.LinksEnded);
    }

    /// <summary>The demo ledger's row, locked so two operators recording the same account run one after the other.</summary>
    private static async Task<AccountStatus?> LockLedgerStatusAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT status FROM ledger.accounts WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue(accountId);
        return await command.ExecuteScalarAsync(cancellationToken) is string status ? LedgerNames.ParseStatus(status) : null;
    }
}
