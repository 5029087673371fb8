using BankLink.Data.Links;
using BankLink.Domain.Accounts;

namespace BankLink.Server.Resource;

/// <summary>
/// Where the resource API reports an account the core calls closed or frozen while a grant still names it
/// (DOMAIN.md "How links end": such an account leaves every permission that names it at once). The API answers
/// 404 for it whatever the reporter does, so a slow or failed report never leaks the account's data.
/// </summary>
public interface IAccountStateReporter
{
    Task ReportAsync(Guid accountId, AccountStatus status, CancellationToken cancellationToken);
}

/// <summary>
/// Records the finding with <see cref="AccountStateChanges"/>: the account leaves every active grant, a grant left
/// empty ends with its tokens, and the audit trail says the resource API saw it (idempotent, so concurrent reads
/// that see the same closure write it once).
/// </summary>
public sealed partial class LinkAccountStateReporter(AccountStateChanges changes, ILogger<LinkAccountStateReporter> logger) : IAccountStateReporter
{
    public async Task ReportAsync(Guid accountId, AccountStatus status, CancellationToken cancellationToken)
    {
        try
        {
            var change = await changes.RecordAsync(accountId, status, $"the core reported the account {status.ToString().ToLowerInvariant()} to the resource API",
                AuditActor.System("resource_api"), cancellationToken);
            if (!change.Unchanged)
            {
                LogAccountLeftLinks(logger, accountId, status, change.LinksChanged.Count, change.LinksEnded.Count);
            }
        }
        catch (Npgsql.NpgsqlException exception)
        {
            // The read is refused (404) either way; the next read that sees the closure reports it again (the change
            // is idempotent), so a failed report costs a retry, never an error page or the account's data.
            LogReportFailed(logger, exception, accountId, status);
        }
    }

    [LoggerMessage(EventId = 6812, Level = LogLevel.Error, Message = "Linked account {AccountId} is {Status} in the core, but removing it from its links failed; the next read retries")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, Guid accountId, AccountStatus status);

    [LoggerMessage(EventId = 6811, Level = LogLevel.Warning, Message = "Linked account {AccountId} is {Status} in the core: it left {Changed} link(s), {Ended} of them ended")]
    private static partial void LogAccountLeftLinks(ILogger logger, Guid accountId, AccountStatus status, int changed, int ended);
}
