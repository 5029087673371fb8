using System.Globalization;
using BankLink.CoreBanking.Snapshots;
using BankLink.Domain.Time;
using Microsoft.Extensions.Options;

namespace BankLink.CoreBanking;

/// <summary>
/// A core answer and how fresh it is (DOMAIN.md: every balance and history response says as of when it is).
/// <see cref="Stale"/> is true for last-known data served while the core could not be asked, and
/// <see cref="StaleReason"/> then says why (outside hours, maintenance, or the core's failure).
/// </summary>
public sealed record CoreRead<T>(T Value, DateTimeOffset AsOf, bool Stale, CoreUnavailableReason? StaleReason)
{
    /// <summary><see cref="StaleReason"/>'s machine-readable name, null when fresh.</summary>
    public string? StaleReasonName => StaleReason is { } reason ? CoreUnavailableReasons.Name(reason) : null;
}

/// <summary>
/// What the resource API reads account data through (DOMAIN.md "Service hours and data freshness"): the service-hours
/// gate, then the core behind its Polly pipeline, then, as the bank configures, last-known snapshots in place of a
/// refusal. Refusals are a <see cref="CoreUnavailableException"/> (503 with Retry-After and a reason). With the
/// defaults (open around the clock, refuse when the core is down) it adds one clock read to each call and writes nothing.
/// </summary>
public sealed class AccountDataReader(
    ICoreBankingGateway core, CoreSnapshotStore snapshots, IServiceHoursSource hours, IOptions<CoreBankingOptions> options, TimeProvider clock)
{
    private readonly CoreBankingOptions _options = options.Value;

    /// <summary>A customer's accounts in the core; as-of is when the core answered.</summary>
    public async Task<CoreRead<IReadOnlyList<CoreAccount>>> GetAccountsAsync(string customerNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customerNumber);
        return (await ReadAsync(CoreSnapshotKinds.Accounts, customerNumber, "", remember: true,
            async ct => (IReadOnlyList<CoreAccount>?)await core.GetAccountsAsync(customerNumber, ct), _ => clock.GetUtcNow(), cancellationToken))!;
    }

    /// <summary>One account, or null when the core does not know it.</summary>
    public Task<CoreRead<CoreAccount>?> GetAccountAsync(Guid accountId, CancellationToken cancellationToken) =>
        ReadAsync(CoreSnapshotKinds.Account, Subject(accountId), "", remember: true, ct => core.GetAccountAsync(accountId, ct), _ => clock.GetUtcNow(), cancellationToken);

    /// <summary>One account's balance with the core's own as-of time, or null when the core does not know the account.</summary>
    public Task<CoreRead<CoreBalance>?> GetBalanceAsync(Guid accountId, CancellationToken cancellationToken) =>
        ReadAsync(CoreSnapshotKinds.Balance, Subject(accountId), "", remember: true, ct => core.GetBalanceAsync(accountId, ct), b => b.AsOf, cancellationToken);

    /// <summary>
    /// One page of history (see <see cref="ICoreBankingGateway.GetTransactionsAsync"/>). Only first pages are remembered
    /// (the "what is new" poll); a later page while the core cannot be asked is refused.
    /// </summary>
    public async Task<CoreRead<CoreTransactionPage>> GetTransactionsAsync(
        Guid accountId, DateOnly from, DateOnly to, CoreTransactionKey? after, int limit, CancellationToken cancellationToken)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{from:yyyy-MM-dd}/{to:yyyy-MM-dd}/{limit}");
        return (await ReadAsync(CoreSnapshotKinds.Transactions, Subject(accountId), key, remember: after is null,
            async ct => (CoreTransactionPage?)await core.GetTransactionsAsync(accountId, from, to, after, limit, ct), p => p.AsOf, cancellationToken))!;
    }

    /// <summary>Whether successful reads are remembered: only when some setting may serve them.</summary>
    public bool RemembersSnapshots =>
        _options.WhenUnavailable == CoreUnavailablePolicy.ServeLastKnown || hours.Current.OutsideHours == OutsideHoursPolicy.ServeLastKnown;

    private async Task<CoreRead<T>?> ReadAsync<T>(
        string kind, string subject, string key, bool remember, Func<CancellationToken, Task<T?>> call, Func<T, DateTimeOffset> asOf, CancellationToken cancellationToken)
        where T : class
    {
        var schedule = hours.Current;
        var now = clock.GetUtcNow();
        var state = schedule.StateAt(now);
        if (!state.IsOpen)
        {
            var reason = state.Reason == ClosedReason.Maintenance ? CoreUnavailableReason.Maintenance : CoreUnavailableReason.OutsideHours;
            if (schedule.OutsideHours == OutsideHoursPolicy.ServeLastKnown && remember
                && await snapshots.FindAsync<T>(kind, subject, key, cancellationToken) is { } closedSnapshot)
            {
                return new CoreRead<T>(closedSnapshot.Value, closedSnapshot.AsOf, true, reason);
            }

            TimeSpan? retryAfter = state.NextOpening is { } opening ? opening - now : null;
            throw new CoreUnavailableException(reason, retryAfter, reopensAt: state.NextOpening);
        }

        T? value;
        try
        {
            value = await call(cancellationToken);
        }
        catch (CoreUnavailableException unavailable) when (_options.WhenUnavailable == CoreUnavailablePolicy.ServeLastKnown && remember)
        {
            if (await snapshots.FindAsync<T>(kind, subject, key, cancellationToken) is { } snapshot)
            {
                return new CoreRead<T>(snapshot.Value, snapshot.AsOf, true, unavailable.Reason);
            }

            throw;
        }

        if (value is null)
        {
            return null;
        }

        var vouched = asOf(value);
        if (remember && RemembersSnapshots)
        {
            await snapshots.RememberAsync(kind, subject, key, value, vouched, _options.SnapshotInterval, cancellationToken);
        }

        return new CoreRead<T>(value, vouched, false, null);
    }

    private static string Subject(Guid accountId) => accountId.ToString("D");
}
