using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace BankLink.Data;

/// <summary>
/// The one way BankLink runs a write transaction: retried on transient faults, never applied twice.
/// </summary>
public static class DatabaseWork
{
    /// <summary>
    /// Runs <paramref name="work"/> in a transaction under the execution strategy. When a commit's answer
    /// is lost, EF Core calls <paramref name="verifySucceeded"/> before retrying, so work that did commit
    /// is not repeated. Idempotent work (re-checks its own state inside the transaction) may pass a
    /// verifier that returns false.
    /// </summary>
    public static Task<TResult> WriteAsync<TResult>(
        BankLinkDbContext db,
        Func<BankLinkDbContext, CancellationToken, Task<TResult>> work,
        Func<BankLinkDbContext, CancellationToken, Task<bool>> verifySucceeded,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.CreateExecutionStrategy().ExecuteInTransactionAsync(
            db,
            async (context, ct) =>
            {
                context.ChangeTracker.Clear();
                return await work(context, ct);
            },
            verifySucceeded,
            cancellationToken);
    }
}
