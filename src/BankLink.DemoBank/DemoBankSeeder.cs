using BankLink.Data;
using BankLink.Data.DataProtection;
using BankLink.DemoBank.Ledger;
using BankLink.Domain.Customers;
using BankLink.Domain.Otp;
using BankLink.Domain.Security;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.DemoBank;

/// <summary>What a seed run added.</summary>
public sealed record DemoSeedResult(int CustomersAdded, int AccountsAdded, long TransactionsAdded, bool ProviderAdded);

/// <summary>
/// Loads the documented sandbox bank: the demo customers with their OTP tokens and 13 months of ledger
/// history, the branches, and the sandbox provider. Idempotent: what is already there is left alone, so
/// it runs at every start of the embedded database and as the <c>seed-demo</c> command.
/// </summary>
public sealed partial class DemoBankSeeder(
    NpgsqlDataSource dataSource, OtpSeedProtector otpSeedProtector, TimeProvider clock, ILogger<DemoBankSeeder> logger,
    BankLink.Data.Registrations.RegistrationStore registrations)
{
    /// <summary>Held for the seed's transaction so two nodes starting together do not both seed.</summary>
    public const long AdvisoryLockKey = 0x424C44454D4F0001;

    public Task<DemoSeedResult> SeedAsync(CancellationToken cancellationToken = default) =>
        TransientFaults.RetryIdempotentAsync(SeedOnceAsync, logger, cancellationToken);

    private async Task<DemoSeedResult> SeedOnceAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var period = LedgerPeriod.EndingYesterday(clock);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection))
        {
            take.Parameters.AddWithValue(AdvisoryLockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        await LedgerCopy.EnsureBranchesAsync(connection, cancellationToken);
        var providerAdded = await EnsureSandboxProviderAsync(connection, now, cancellationToken);

        var present = await ExistingLoginIdsAsync(connection, cancellationToken);
        var missing = DemoCustomers.All.Where(c => !present.Contains(c.LoginId)).ToList();
        var customers = missing.Select(c => ToCustomer(c, now)).ToList();
        var ledgers = missing.SelectMany(c => GenerateLedger(c, period).Select(a => (c.CustomerNumber, Account: a))).ToList();

        await LedgerCopy.WriteCustomersAsync(connection, customers, cancellationToken);
        foreach (var demo in missing)
        {
            await InsertOtpDeviceAsync(connection, demo, customers.Single(c => c.LoginId == demo.LoginId).Id, now, cancellationToken);
        }

        await LedgerCopy.WriteAccountsAsync(connection, ledgers, now, cancellationToken);
        var transactions = await LedgerCopy.WriteTransactionsAsync(connection, ledgers.Select(l => l.Account), cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var result = new DemoSeedResult(missing.Count, ledgers.Count, transactions, providerAdded);
        LogSeeded(logger, result.CustomersAdded, result.AccountsAdded, result.TransactionsAdded, period.First, period.Last);
        await EnsureSandboxRegistrationsAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// The sandbox promises automated clients a customer they can link at once, so each documented customer holds a
    /// registration for linking (利用登録) of every linkable account; a lapsed one is renewed, a valid one left alone.
    /// </summary>
    private async Task EnsureSandboxRegistrationsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM customers WHERE login_id = ANY($1) ORDER BY login_id");
        command.Parameters.AddWithValue(DemoCustomers.All.Select(c => c.LoginId).ToArray());
        var ids = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        foreach (var id in ids)
        {
            var current = await registrations.GetAccountsAsync(id, cancellationToken);
            var linkable = current.Accounts.Where(a => a.Account.IsLinkable).Select(a => a.Account.Id).ToList();
            if (current.Registration is null && linkable.Count > 0)
            {
                await registrations.RegisterAsync(id, linkable, cancellationToken, BankLink.Data.Audit.AuditActorKinds.System, "seed-demo");
            }
        }
    }

    /// <summary>The documented customer's accounts and their history over the period; the same every time for the same period.</summary>
    public static IReadOnlyList<GeneratedAccount> GenerateLedger(DemoCustomer customer, LedgerPeriod period)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(period);
        var random = new Random(DeterministicIds.SeedFor("customer:" + customer.CustomerNumber));
        var profile = HouseholdProfile.Draw(random);
        var plans = customer.Accounts.Select(a => new AccountPlan(
            DeterministicIds.For($"account:{a.BranchCode}:{a.AccountNumber}"),
            a.Role, a.Kind, a.BranchCode, a.AccountNumber, a.ProductName, a.HasPinCard,
            OpenedOn: period.First.AddYears(-3), a.OpeningBalance, a.CreditLimit, a.AnnualRateBasisPoints)
        {
            ClosesOn = a.ClosedAfterMonths is { } closed ? BankCalendar.OnOrAfter(period.First.AddMonths(closed)) : null,
            FrozenOn = a.FrozenAfterMonths is { } frozen ? period.First.AddMonths(frozen) : null,
        }).ToList();
        return HouseholdLedgerGenerator.Generate(plans, profile, random, period.First, period.Last);
    }

    private static Customer ToCustomer(DemoCustomer demo, DateTimeOffset now) => new()
    {
        Id = DeterministicIds.For("customer:" + demo.CustomerNumber),
        CustomerNumber = demo.CustomerNumber,
        LoginId = demo.LoginId,
        DisplayName = demo.DisplayName,
        DisplayNameKana = demo.DisplayNameKana,
        PasswordHash = SecretHasher.Hash(demo.Password),
        ConfirmationPinHash = SecretHasher.Hash(demo.ConfirmationPin),
        Status = CustomerStatus.Active,
        CreatedAt = now,
    };

    private async Task InsertOtpDeviceAsync(NpgsqlConnection connection, DemoCustomer demo, Guid customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO otp_devices (id, customer_id, kind, serial_number, protected_seed, status, registered_at, created_at)
            VALUES ($1, $2, 'software', $3, $4, 'active', $5, $5)
            """, connection);
        command.Parameters.AddWithValue(DeterministicIds.For("otp:" + demo.OtpSerialNumber));
        command.Parameters.AddWithValue(customerId);
        command.Parameters.AddWithValue(demo.OtpSerialNumber);
        command.Parameters.AddWithValue(otpSeedProtector.Protect(Base32.Decode(demo.OtpSecretBase32)));
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<HashSet<string>> ExistingLoginIdsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT login_id FROM customers WHERE login_id = ANY($1)", connection);
        command.Parameters.AddWithValue(DemoCustomers.All.Select(c => c.LoginId).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var present = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            present.Add(reader.GetString(0));
        }

        return present;
    }

    private static async Task<bool> EnsureSandboxProviderAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var provider = SandboxProvider.Create(now);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO providers (id, name, name_ja, description, description_ja, website, status, is_sandbox, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'active', true, $7)
            ON CONFLICT (id) DO NOTHING
            """, connection);
        insert.Parameters.AddWithValue(provider.Id);
        insert.Parameters.AddWithValue(provider.Name);
        insert.Parameters.AddWithValue(provider.NameJa);
        insert.Parameters.AddWithValue(provider.Description);
        insert.Parameters.AddWithValue(provider.DescriptionJa);
        insert.Parameters.AddWithValue(provider.Website!);
        insert.Parameters.AddWithValue(now);
        var added = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
        foreach (var recipient in provider.ChainedRecipients)
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO chained_recipients (id, provider_id, name, name_ja, purpose, purpose_ja, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (id) DO NOTHING
                """, connection);
            command.Parameters.AddWithValue(recipient.Id);
            command.Parameters.AddWithValue(provider.Id);
            command.Parameters.AddWithValue(recipient.Name);
            command.Parameters.AddWithValue(recipient.NameJa);
            command.Parameters.AddWithValue(recipient.Purpose);
            command.Parameters.AddWithValue(recipient.PurposeJa);
            command.Parameters.AddWithValue(now);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return added;
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information,
        Message = "Demo bank seeded: {Customers} customer(s), {Accounts} account(s), {Transactions} transaction(s) added for {First:yyyy-MM-dd}..{Last:yyyy-MM-dd}")]
    private static partial void LogSeeded(ILogger logger, int customers, int accounts, long transactions, DateOnly first, DateOnly last);
}
