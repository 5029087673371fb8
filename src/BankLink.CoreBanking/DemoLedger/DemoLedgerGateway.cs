using BankLink.Domain.Accounts;
using Npgsql;

namespace BankLink.CoreBanking.DemoLedger;

/// <summary>Reads the embedded demo ledger (the <c>ledger</c> schema) as if it were the core banking system.</summary>
public sealed class DemoLedgerGateway(NpgsqlDataSource dataSource) : ICoreBankingGateway
{
    public async Task<IReadOnlyList<CoreAccount>> GetAccountsAsync(string customerNumber, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT a.id, a.customer_number, a.branch_code, b.name, b.name_en, a.kind, a.account_number, a.product_name, a.status, a.has_pin_card
            FROM ledger.accounts a JOIN ledger.branches b ON b.code = a.branch_code
            WHERE a.customer_number = $1
            ORDER BY a.branch_code, a.kind, a.account_number
            """);
        command.Parameters.AddWithValue(customerNumber);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accounts = new List<CoreAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(new CoreAccount(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                LedgerNames.ParseKind(reader.GetString(5)), reader.GetString(6), reader.GetString(7),
                LedgerNames.ParseStatus(reader.GetString(8)), reader.GetBoolean(9)));
        }

        return accounts;
    }

    public async Task<CoreBalance?> GetBalanceAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT kind, balance, credit_limit, balance_as_of FROM ledger.accounts WHERE id = $1");
        command.Parameters.AddWithValue(accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new CoreBalance(accountId, LedgerNames.ParseKind(reader.GetString(0)), reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3));
    }
}
