using BankLink.Domain.Accounts;
using Npgsql;

namespace BankLink.CoreBanking.DemoLedger;

/// <summary>Reads the embedded demo ledger (the <c>ledger</c> schema) as if it were the core banking system.</summary>
public sealed class DemoLedgerGateway(NpgsqlDataSource dataSource, TimeProvider clock) : ICoreBankingGateway
{
    public const int MaxPageSize = 1000;

    public async Task<CoreAccount?> GetAccountAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT a.id, a.customer_number, a.branch_code, b.name, b.name_en, a.kind, a.account_number, a.product_name, a.status, a.has_pin_card
            FROM ledger.accounts a JOIN ledger.branches b ON b.code = a.branch_code
            WHERE a.id = $1
            """);
        command.Parameters.AddWithValue(accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAccount(reader) : null;
    }

    public async Task<CoreTransactionPage> GetTransactionsAsync(
        Guid accountId, DateOnly from, DateOnly to, CoreTransactionKey? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);

        // One row more than asked tells whether an older page exists. The row comparison walks the index
        // (account_id, booking_date DESC, seq DESC) from the key on, whatever the history's length.
        await using var command = dataSource.CreateCommand("""
            SELECT seq, booking_date, value_date, amount, direction, balance_after, description, type
            FROM ledger.transactions
            WHERE account_id = $1 AND booking_date BETWEEN $2 AND $3 AND ($4::date IS NULL OR (booking_date, seq) < ($4, $5))
            ORDER BY booking_date DESC, seq DESC
            LIMIT $6
            """);
        command.Parameters.AddWithValue(accountId);
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        command.Parameters.Add(new NpgsqlParameter { Value = after is { } key ? key.BookingDate : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = after is { } k ? (int)k.Sequence : 0, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.AddWithValue(limit + 1);
        var lines = new List<CoreTransaction>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(new CoreTransaction(accountId, reader.GetInt32(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2),
                    reader.GetInt64(3), reader.GetString(4) == "credit" ? TransactionDirection.Credit : TransactionDirection.Debit,
                    reader.GetInt64(5), reader.GetString(6), reader.GetString(7)));
            }
        }

        var more = lines.Count > limit;
        if (more)
        {
            lines.RemoveAt(limit);
        }

        // The demo ledger is the system of record itself: what it answers is current as of now.
        return new CoreTransactionPage(lines, more ? lines[^1].Key : null, clock.GetUtcNow());
    }

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
            accounts.Add(ReadAccount(reader));
        }

        return accounts;
    }

    private static CoreAccount ReadAccount(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
        LedgerNames.ParseKind(reader.GetString(5)), reader.GetString(6), reader.GetString(7),
        LedgerNames.ParseStatus(reader.GetString(8)), reader.GetBoolean(9));

    public async Task<CoreBalance?> GetBalanceAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT kind, balance, credit_limit, balance_as_of, status FROM ledger.accounts WHERE id = $1");
        command.Parameters.AddWithValue(accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new CoreBalance(accountId, LedgerNames.ParseKind(reader.GetString(0)), reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3))
        {
            Status = LedgerNames.ParseStatus(reader.GetString(4)),
        };
    }
}
