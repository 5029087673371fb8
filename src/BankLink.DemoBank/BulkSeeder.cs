using System.Globalization;
using BankLink.Data;
using BankLink.DemoBank.Ledger;
using BankLink.Domain.Accounts;
using BankLink.Domain.Customers;
using BankLink.Domain.Security;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.DemoBank;

/// <summary>What a bulk seed did.</summary>
public sealed record BulkSeedResult(int CustomersAdded, int CustomersPresent, long AccountsAdded, long TransactionsAdded, TimeSpan Elapsed);

/// <summary>
/// Generates synthetic customers in bulk for benchmarks (<c>seed-demo --customers N</c>): each with a main
/// ordinary account and, drawn from their seed, savings and a card loan, all with 13 months of history.
/// Batches of customers commit one transaction each, loaded with binary COPY by parallel workers; a run
/// that stops part-way resumes where it stopped, and a second run with the same N adds nothing.
/// </summary>
/// <remarks>
/// Synthetic customers (login <c>benchNNNNNNN</c>, customer numbers <c>5NNNNNNNNN</c>) share one password
/// hash, computed once per run: hashing each of 100,000 passwords would take hours, and they are load-test
/// identities only, flagged <c>is_synthetic</c>, with no OTP token and so no way to log in interactively.
/// </remarks>
public sealed partial class BulkSeeder(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<BulkSeeder> logger)
{
    public const int MaxCustomers = 2_000_000;
    public const int BatchSize = 500;
    public const string SyntheticPassword = "Bench-Password-1";
    public const string SyntheticPin = "0000";
    private const long AdvisoryLockKey = 0x424C44454D4F0002;

    public async Task<BulkSeedResult> SeedAsync(int customers, IProgress<ProgressReport>? progress = null, int workers = 2, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(customers, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(customers, MaxCustomers);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var started = clock.GetTimestamp();
        var now = clock.GetUtcNow();
        var period = LedgerPeriod.EndingYesterday(clock);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (await AdvisoryLock.AcquireAsync(connection, AdvisoryLockKey, onWait: null, cancellationToken))
        {
            await LedgerCopy.EnsureBranchesAsync(connection, cancellationToken);
            var presentPerBatch = await CountPresentPerBatchAsync(connection, cancellationToken);
            var work = PlanBatches(customers, presentPerBatch);
            var (added, accounts, transactions) = await WriteBatchesAsync(work, workers, period, now, progress, cancellationToken);

            await using (var analyze = new NpgsqlCommand("ANALYZE customers; ANALYZE ledger.accounts; ANALYZE ledger.transactions;", connection) { CommandTimeout = 0 })
            {
                await analyze.ExecuteNonQueryAsync(cancellationToken);
            }

            var result = new BulkSeedResult(added, presentPerBatch.Values.Sum(), accounts, transactions, clock.GetElapsedTime(started));
            LogBulkSeeded(logger, result.CustomersAdded, result.CustomersPresent, result.AccountsAdded, result.TransactionsAdded, result.Elapsed.TotalSeconds);
            return result;
        }
    }

    /// <summary>The customer ranges still to write: whole batches, or the rest of a batch an earlier, smaller run began.</summary>
    private static Queue<(int From, int To)> PlanBatches(int customers, Dictionary<int, int> presentPerBatch)
    {
        var work = new Queue<(int From, int To)>();
        for (var batch = 0; batch * BatchSize < customers; batch++)
        {
            var first = batch * BatchSize + 1;
            var last = Math.Min(first + BatchSize - 1, customers);
            var from = first + presentPerBatch.GetValueOrDefault(batch);
            if (from <= last)
            {
                work.Enqueue((from, last));
            }
        }

        return work;
    }

    private async Task<(int Customers, long Accounts, long Transactions)> WriteBatchesAsync(
        Queue<(int From, int To)> work, int workers, LedgerPeriod period, DateTimeOffset now, IProgress<ProgressReport>? progress, CancellationToken cancellationToken)
    {
        var toAdd = work.Sum(w => w.To - w.From + 1);
        var passwordHash = SecretHasher.Hash(SyntheticPassword);
        var pinHash = SecretHasher.Hash(SyntheticPin);
        long added = 0, accounts = 0, transactions = 0;
        var gate = new Lock();
        progress?.Report(new ProgressReport("Seeding synthetic customers", 0, toAdd, "customers"));

        async Task Worker()
        {
            while (true)
            {
                (int From, int To) range;
                lock (gate)
                {
                    if (!work.TryDequeue(out range))
                    {
                        return;
                    }
                }

                var (a, t, c) = await TransientFaults.RetryIdempotentAsync(
                    ct => WriteBatchAsync(range.From, range.To, passwordHash, pinHash, period, now, ct), logger, cancellationToken);
                Interlocked.Add(ref accounts, a);
                var lines = Interlocked.Add(ref transactions, t);
                var done = Interlocked.Add(ref added, c);
                progress?.Report(new ProgressReport("Seeding synthetic customers", done, toAdd, "customers",
                    string.Create(CultureInfo.InvariantCulture, $"{lines:N0} transactions")));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(Worker, cancellationToken)));
        return ((int)added, accounts, transactions);
    }

    /// <summary>The customer number of synthetic customer <paramref name="index"/> (1-based).</summary>
    public static string CustomerNumberOf(int index) => "5" + index.ToString("D9", CultureInfo.InvariantCulture);

    public static string LoginIdOf(int index) => "bench" + index.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>Synthetic customer <paramref name="index"/>'s accounts and history; the same for the same index and period.</summary>
    public static IReadOnlyList<GeneratedAccount> GenerateLedger(int index, LedgerPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        var random = new Random(DeterministicIds.SeedFor("synthetic:" + index.ToString(CultureInfo.InvariantCulture)));
        var profile = HouseholdProfile.Draw(random);
        var branch = Branches.All[random.Next(Branches.All.Count)].Code;
        var opened = period.First.AddYears(-random.Next(1, 20));
        var plans = new List<AccountPlan>
        {
            Plan(index, AccountRole.Main, AccountKind.Ordinary, branch, 1_000_000 + index, "総合口座（普通預金）", random.Next(20) != 0, opened,
                random.Next(50, 1_500) * 1_000L, null, 20),
        };
        if (random.Next(100) < 40)
        {
            plans.Add(Plan(index, AccountRole.Savings, AccountKind.Savings, branch, 4_000_000 + index, "貯蓄預金", true, opened,
                random.Next(100, 3_000) * 1_000L, null, 25));
        }

        if (random.Next(100) < 30)
        {
            var limit = random.Next(1, 11) * 100_000L;
            plans.Add(Plan(index, AccountRole.CardLoan, AccountKind.CardLoan, branch, 7_000_000 + index, "ろうきんカードローン", true, opened,
                limit * random.Next(0, 60) / 100 / 1_000 * 1_000, limit, random.Next(350, 900)));
        }

        return HouseholdLedgerGenerator.Generate(plans, profile, random, period.First, period.Last);
    }

    private static AccountPlan Plan(int index, AccountRole role, AccountKind kind, string branch, int number, string product, bool pinCard,
        DateOnly opened, long openingBalance, long? limit, int rate) =>
        new(DeterministicIds.For($"synthetic:{index}:{role}"), role, kind, branch, number.ToString("D7", CultureInfo.InvariantCulture),
            product, pinCard, opened, openingBalance, limit, rate);

    private async Task<(long Accounts, long Transactions, int Customers)> WriteBatchAsync(
        int from, int to, string passwordHash, string pinHash, LedgerPeriod period, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Idempotent: a batch whose commit answer was lost is found here on the retry and not written twice.
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM customers WHERE customer_number BETWEEN $1 AND $2", connection))
        {
            count.Parameters.AddWithValue(CustomerNumberOf(from));
            count.Parameters.AddWithValue(CustomerNumberOf(to));
            from += (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        if (from > to)
        {
            return (0, 0, 0);
        }

        var indexes = Enumerable.Range(from, to - from + 1).ToList();
        var customers = indexes.Select(i => new Customer
        {
            Id = DeterministicIds.For("synthetic-customer:" + i.ToString(CultureInfo.InvariantCulture)),
            CustomerNumber = CustomerNumberOf(i),
            LoginId = LoginIdOf(i),
            DisplayName = "ベンチ 顧客" + i.ToString(CultureInfo.InvariantCulture),
            DisplayNameKana = "ベンチ コキャク",
            PasswordHash = passwordHash,
            ConfirmationPinHash = pinHash,
            Status = CustomerStatus.Active,
            IsSynthetic = true,
            CreatedAt = now,
        }).ToList();
        var ledgers = indexes.SelectMany(i => GenerateLedger(i, period).Select(a => (CustomerNumberOf(i), a))).ToList();

        await LedgerCopy.WriteCustomersAsync(connection, customers, cancellationToken);
        await LedgerCopy.WriteAccountsAsync(connection, ledgers, now, cancellationToken);
        var lines = await LedgerCopy.WriteTransactionsAsync(connection, ledgers.Select(l => l.a), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (ledgers.Count, lines, customers.Count);
    }

    private static async Task<Dictionary<int, int>> CountPresentPerBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT (substring(customer_number FROM 2)::int - 1) / {BatchSize} AS batch, count(*)::int
            FROM customers
            WHERE is_synthetic AND customer_number LIKE '5%'
            GROUP BY 1
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var present = new Dictionary<int, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            present[reader.GetInt32(0)] = reader.GetInt32(1);
        }

        return present;
    }

    [LoggerMessage(EventId = 6202, Level = LogLevel.Information,
        Message = "Bulk seed: {Added} synthetic customer(s) added ({Present} were there), {Accounts} account(s), {Transactions} transaction(s) in {Seconds:F1} s")]
    private static partial void LogBulkSeeded(ILogger logger, int added, int present, long accounts, long transactions, double seconds);
}
