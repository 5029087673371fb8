using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Domain.Accounts;
using BankLink.Server.Resource;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BankLink.Server.Tests;

/// <summary>
/// The resource API's report of a closed or frozen account when PostgreSQL cannot take it: the read it came from is
/// still refused (404, decided by the caller), the failure is logged for operators (event 6812), nothing throws.
/// </summary>
public sealed class AccountStateReporterTests
{
    [Fact]
    public async Task Report_DatabaseUnreachable_LoggedAsErrorAndSwallowed()
    {
        // A port nothing listens on: every connection attempt is refused at once.
        await using var unreachable = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2");
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var reporter = new LinkAccountStateReporter(new AccountStateChanges(unreachable, new AuditTrail(unreachable), TimeProvider.System),
            factory.CreateLogger<LinkAccountStateReporter>());
        var account = Guid.NewGuid();

        await reporter.ReportAsync(account, AccountStatus.Closed, CancellationToken.None);

        var logged = Assert.Single(logs.Entries, e => e.Contains(account.ToString(), StringComparison.Ordinal));
        Assert.Contains("removing it from its links failed", logged, StringComparison.Ordinal);
    }
}
