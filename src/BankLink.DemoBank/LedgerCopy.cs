using BankLink.CoreBanking.DemoLedger;
using BankLink.Data;
using BankLink.DemoBank.Ledger;
using BankLink.Domain.Customers;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.DemoBank;

/// <summary>
/// Writes customers, ledger accounts and their histories with PostgreSQL's binary COPY: the only way to
/// load tens of millions of lines in minutes. Runs inside the caller's transaction.
/// </summary>
internal static class LedgerCopy
{
    public static async Task EnsureBranchesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var (code, name, nameEn) in Branches.All)
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO ledger.branches (code, name, name_en) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING", connection);
            command.Parameters.AddWithValue(code);
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(nameEn);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task WriteCustomersAsync(NpgsqlConnection connection, IEnumerable<Customer> customers, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY customers (id, customer_number, login_id, display_name, display_name_kana, password_hash, confirmation_pin_hash, status, consecutive_failures, is_synthetic, created_at) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var c in customers)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(c.Id, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(c.CustomerNumber, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(c.LoginId, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(c.DisplayName, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(c.DisplayNameKana, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(c.PasswordHash, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(c.ConfirmationPinHash, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(EnumNames.ToDatabase(c.Status), NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(c.ConsecutiveFailures, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(c.IsSynthetic, NpgsqlDbType.Boolean, cancellationToken);
            await importer.WriteAsync(c.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    public static async Task WriteAccountsAsync(
        NpgsqlConnection connection, IEnumerable<(string CustomerNumber, GeneratedAccount Account)> accounts, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY ledger.accounts (id, customer_number, branch_code, kind, account_number, product_name, status, has_pin_card, opened_on, closed_on, opening_balance, balance, credit_limit, annual_rate_bp, balance_as_of) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var (customerNumber, account) in accounts)
        {
            var plan = account.Plan;
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(plan.Id, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(customerNumber, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(plan.BranchCode, NpgsqlDbType.Char, cancellationToken);
            await importer.WriteAsync(LedgerNames.Kind(plan.Kind), NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(plan.AccountNumber, NpgsqlDbType.Char, cancellationToken);
            await importer.WriteAsync(plan.ProductName, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(LedgerNames.Status(plan.Status), NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(plan.HasPinCard, NpgsqlDbType.Boolean, cancellationToken);
            await importer.WriteAsync(plan.OpenedOn, NpgsqlDbType.Date, cancellationToken);
            await WriteNullableAsync(importer, plan.ClosesOn, NpgsqlDbType.Date, cancellationToken);

            await importer.WriteAsync(plan.OpeningBalance, NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(account.ClosingBalance, NpgsqlDbType.Bigint, cancellationToken);
            await WriteNullableAsync(importer, plan.CreditLimit, NpgsqlDbType.Bigint, cancellationToken);

            await importer.WriteAsync(plan.AnnualRateBasisPoints, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(asOf, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>Writes every line of the accounts' histories and returns how many.</summary>
    public static async Task<long> WriteTransactionsAsync(NpgsqlConnection connection, IEnumerable<GeneratedAccount> accounts, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY ledger.transactions (account_id, seq, booking_date, value_date, amount, direction, balance_after, description, type) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        long rows = 0;
        foreach (var account in accounts)
        {
            foreach (var e in account.Entries)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(account.Plan.Id, NpgsqlDbType.Uuid, cancellationToken);
                await importer.WriteAsync(e.Seq, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(e.BookingDate, NpgsqlDbType.Date, cancellationToken);
                await importer.WriteAsync(e.ValueDate, NpgsqlDbType.Date, cancellationToken);
                await importer.WriteAsync(e.Amount, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(e.IsCredit ? LedgerNames.Credit : LedgerNames.Debit, NpgsqlDbType.Varchar, cancellationToken);
                await importer.WriteAsync(e.BalanceAfter, NpgsqlDbType.Bigint, cancellationToken);
                await importer.WriteAsync(e.Description, NpgsqlDbType.Varchar, cancellationToken);
                await importer.WriteAsync(EnumNames.ToDatabase(e.Type), NpgsqlDbType.Varchar, cancellationToken);
                rows++;
            }
        }

        await importer.CompleteAsync(cancellationToken);
        return rows;
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } present ? importer.WriteAsync(present, type, cancellationToken) : importer.WriteNullAsync(cancellationToken);
}
