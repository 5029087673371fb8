using Npgsql;

namespace BankLink.Data.Operations.Customers;

/// <summary>An account the core holds under a number, and whose it is.</summary>
public sealed record FoundAccount(Guid AccountId, string CustomerNumber, string BranchCode);

/// <summary>
/// Finds accounts by number in the core banking system, for the console's "find a customer by account number".
/// <see cref="BankLink.CoreBanking.ICoreBankingGateway"/> has no such search (providers never need one), so this is its
/// own small interface with one implementation per core.
/// </summary>
public interface ICoreAccountSearch
{
    /// <summary>False when the core behind BankLink offers no search by number (the HTTP adapter's contract has none yet).</summary>
    bool IsAvailable { get; }

    /// <summary>Accounts numbered exactly <paramref name="accountNumber"/>, at <paramref name="branchCode"/> when given.</summary>
    Task<IReadOnlyList<FoundAccount>> FindByNumberAsync(string? branchCode, string accountNumber, CancellationToken cancellationToken);
}

/// <summary>The search over the embedded demo ledger (the <c>ledger</c> schema in BankLink's own database).</summary>
public sealed class DemoLedgerAccountSearch(NpgsqlDataSource dataSource) : ICoreAccountSearch
{
    public bool IsAvailable => true;

    public async Task<IReadOnlyList<FoundAccount>> FindByNumberAsync(string? branchCode, string accountNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountNumber);
        await using var command = dataSource.CreateCommand("""
            SELECT id, customer_number, branch_code FROM ledger.accounts
            WHERE account_number = $1 AND ($2::text IS NULL OR branch_code = $2)
            ORDER BY branch_code, id
            LIMIT 50
            """);
        command.Parameters.AddWithValue(accountNumber);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)branchCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<FoundAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new FoundAccount(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
        }

        return found;
    }
}

/// <summary>
/// A real core behind the HTTP adapter: openapi/core-adapter.v1.yaml has no search by account number yet, so the
/// console says so instead of answering "no customer" for an account that exists.
/// </summary>
public sealed class UnavailableAccountSearch : ICoreAccountSearch
{
    public bool IsAvailable => false;

    public Task<IReadOnlyList<FoundAccount>> FindByNumberAsync(string? branchCode, string accountNumber, CancellationToken cancellationToken) =>
        throw new OperationRefusedException(OperatorGuard.InvalidRequest,
            "The core banking adapter offers no search by account number: find the customer by login ID or customer number.");
}
