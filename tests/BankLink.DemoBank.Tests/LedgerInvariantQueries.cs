using BankLink.Testing;

namespace BankLink.DemoBank.Tests;

/// <summary>The ledger's invariants as SQL over what was actually stored: each returns the number of violations.</summary>
internal static class LedgerInvariantQueries
{
    /// <summary>Balance = opening + credits - debits (deposits), opening + debits - credits (card loans); seq is 1..n.</summary>
    private const string BalanceEqualsOpeningPlusMovements = """
        WITH sums AS (
            SELECT a.id, a.kind, a.opening_balance, a.balance,
                   coalesce(sum(t.amount) FILTER (WHERE t.direction = 'credit'), 0) AS credits,
                   coalesce(sum(t.amount) FILTER (WHERE t.direction = 'debit'), 0) AS debits,
                   count(t.seq) AS lines, coalesce(max(t.seq), 0) AS last_seq
            FROM ledger.accounts a LEFT JOIN ledger.transactions t ON t.account_id = a.id
            GROUP BY a.id)
        SELECT count(*) FROM sums
        WHERE (kind <> 'card_loan' AND balance <> opening_balance + credits - debits)
           OR (kind = 'card_loan' AND balance <> opening_balance + debits - credits)
           OR lines <> last_seq
        """;

    /// <summary>Every line's balance_after is the running balance.</summary>
    private const string RunningBalanceMatches = """
        SELECT count(*) FROM (
            SELECT t.balance_after,
                   a.opening_balance + sum(CASE WHEN (t.direction = 'credit') <> (a.kind = 'card_loan') THEN t.amount ELSE -t.amount END)
                       OVER (PARTITION BY t.account_id ORDER BY t.seq) AS expected
            FROM ledger.transactions t JOIN ledger.accounts a ON a.id = t.account_id) x
        WHERE balance_after <> expected
        """;

    /// <summary>Card-loan outstanding never above the limit nor below zero; deposits never below zero, at any line.</summary>
    private const string WithinBounds = """
        SELECT count(*) FROM ledger.transactions t JOIN ledger.accounts a ON a.id = t.account_id
        WHERE (a.kind = 'card_loan' AND (t.balance_after < 0 OR t.balance_after > a.credit_limit))
           OR (a.kind <> 'card_loan' AND t.balance_after < 0)
        """;

    public static async Task AssertAllHoldAsync(TestDatabase database)
    {
        Assert.Equal(0, await database.ScalarAsync<long>(BalanceEqualsOpeningPlusMovements));
        Assert.Equal(0, await database.ScalarAsync<long>(RunningBalanceMatches));
        Assert.Equal(0, await database.ScalarAsync<long>(WithinBounds));
    }
}
