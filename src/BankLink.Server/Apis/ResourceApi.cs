using System.Globalization;
using System.Text.Json.Nodes;
using BankLink.CoreBanking;
using BankLink.Data.Audit;
using BankLink.Domain.Accounts;
using BankLink.Domain.Time;
using BankLink.Server.Hosting.Protocol;
using BankLink.Server.Resource;
using Microsoft.Extensions.Options;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Apis;

/// <summary>
/// The account data API (issue 5; contract: openapi/banklink-resource.v1.json): the accounts of the token's grant,
/// one account's balance, and its history in keyset pages. Every request passes <see cref="ResourceAccess"/>; an
/// account outside the grant, unknown, malformed, closed or frozen answers one and the same 404; every answer that
/// serves data is in the audit trail (data_read) before it is sent, and carries its as-of time.
/// </summary>
public static class ResourceApi
{
    public const string AccountsPath = "/accounts";

    private static readonly string[] AccountsScopes = [Scopes.Balance, Scopes.Transactions];
    private static readonly string[] BalanceScopes = [Scopes.Balance];
    private static readonly string[] TransactionsScopes = [Scopes.Transactions];

    public static WebApplication MapResourceApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var accounts = app.MapGroup(AccountsPath).AddEndpointFilter<FapiInteraction>().AddEndpointFilter<ResourceRecording>();
        accounts.MapGet("", ListAccountsAsync).WithName("ListAccounts");
        accounts.MapGet("/{accountId}/balance", GetBalanceAsync).WithName("GetBalance");
        accounts.MapGet("/{accountId}/transactions", GetTransactionsAsync).WithName("GetTransactions");
        return app;
    }

    private static async Task<IResult> ListAccountsAsync(
        HttpContext http, ResourceAccess access, AccountDataReader core, IAccountStateReporter states, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (http.Request.Query.Count != 0)
        {
            return ResourceProblems.Problem(ResourceErrors.QueryParameterInvalid, StatusCodes.Status400BadRequest);
        }

        var (caller, refusal) = await access.AuthorizeAsync(http, AccountsScopes, cancellationToken);
        if (caller is null)
        {
            return refusal!;
        }

        CoreRead<IReadOnlyList<CoreAccount>> held;
        try
        {
            held = await core.GetAccountsAsync(caller.Grant.CustomerNumber, cancellationToken);
        }
        catch (CoreUnavailableException unavailable)
        {
            return ResourceProblems.Unavailable(http, unavailable);
        }

        var served = new List<AccountSummary>(caller.Grant.AccountIds.Count);
        var now = clock.GetUtcNow();
        foreach (var account in held.Value)
        {
            if (!caller.Grant.AccountIds.Contains(account.Id))
            {
                continue;
            }

            if (!await IsServableAsync(account.Id, account.Status, states, cancellationToken))
            {
                continue;
            }

            // No nickname store exists yet: the product name (e.g. 普通預金) stands in until customers can set one.
            served.Add(new AccountSummary(ResourceIdentifiers.AccountId(caller.Keys, caller.Grant.ProviderId, account.Id), ResourceNames.Kind(account.Kind),
                account.BranchName, AccountNumbers.Mask(account.AccountNumber), account.ProductName, ResourceNames.Currency));
            ResourceRecording.Served(http, ReadEvent(http, caller, account.Id, now, "accounts"));
        }

        return TypedResults.Ok(new AccountList(served, held.AsOf.ToOffset(JapanTime.Offset), Stale(held), held.StaleReasonName));
    }

    private static async Task<IResult> GetBalanceAsync(
        HttpContext http, string accountId, ResourceAccess access, AccountDataReader core, IAccountStateReporter states, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (http.Request.Query.Count != 0)
        {
            return ResourceProblems.Problem(ResourceErrors.QueryParameterInvalid, StatusCodes.Status400BadRequest);
        }

        var (caller, refusal) = await access.AuthorizeAsync(http, BalanceScopes, cancellationToken);
        if (caller is null)
        {
            return refusal!;
        }

        if (ResourceIdentifiers.Resolve(caller.Keys, caller.Grant.ProviderId, caller.Grant.AccountIds, accountId) is not { } id)
        {
            return ResourceProblems.NotFound();
        }

        CoreRead<CoreBalance>? read;
        try
        {
            read = await core.GetBalanceAsync(id, cancellationToken);

            // A core that does not report the state with the balance is asked for it: a closed or frozen account is never served.
            var status = read?.Value.Status ?? (read is null ? null : (await core.GetAccountAsync(id, cancellationToken))?.Value.Status);
            if (read is null || status is not { } known || !await IsServableAsync(id, known, states, cancellationToken))
            {
                return ResourceProblems.NotFound();
            }
        }
        catch (CoreUnavailableException unavailable)
        {
            return ResourceProblems.Unavailable(http, unavailable);
        }

        ResourceRecording.Served(http, ReadEvent(http, caller, id, clock.GetUtcNow(), "balance"));
        var balance = read.Value;
        var asOf = read.AsOf.ToOffset(JapanTime.Offset);
        return balance.Kind switch
        {
            // The demo ledger holds one balance per deposit: nothing is on hold, so what is available is what is there.
            AccountKind.Ordinary or AccountKind.Savings => TypedResults.Ok(new DepositBalance(accountId, ResourceNames.Kind(balance.Kind), ResourceNames.Currency,
                balance.Balance, balance.Balance, asOf, Stale(read), read.StaleReasonName)),
            AccountKind.CardLoan when balance.CreditLimit is { } limit => TypedResults.Ok(new CardLoanBalance(accountId, ResourceNames.Kind(balance.Kind), ResourceNames.Currency,
                balance.Balance, limit, Math.Max(0, limit - balance.Balance), asOf, Stale(read), read.StaleReasonName)),
            _ => ResourceProblems.NotFound(),
        };
    }

    private static async Task<IResult> GetTransactionsAsync(
        HttpContext http, string accountId, ResourceAccess access, AccountDataReader core, IAccountStateReporter states,
        IOptions<ResourceApiOptions> options, IssuerOptions issuer, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (caller, refusal) = await access.AuthorizeAsync(http, TransactionsScopes, cancellationToken);
        if (caller is null)
        {
            return refusal!;
        }

        var (query, invalid) = HistoryQuery.Parse(http.Request.Query, JapanTime.Today(clock), options.Value);
        if (query is null)
        {
            return ResourceProblems.Problem(invalid!, StatusCodes.Status400BadRequest);
        }

        if (ResourceIdentifiers.Resolve(caller.Keys, caller.Grant.ProviderId, caller.Grant.AccountIds, accountId) is not { } id)
        {
            return ResourceProblems.NotFound();
        }

        // The cursor opens only for the grant, account and range it was issued for (issue 5: tampered cursors are refused).
        var scope = new CursorScope(caller.Grant.GrantId, id, query.From, query.To);
        CoreTransactionKey? after = null;
        if (query.Cursor is not null && (after = HistoryCursor.Open(caller.Keys.Cursor, scope, query.Cursor)) is null)
        {
            return ResourceProblems.Problem(ResourceErrors.CursorInvalid, StatusCodes.Status400BadRequest);
        }

        CoreRead<CoreTransactionPage> read;
        try
        {
            if (await core.GetAccountAsync(id, cancellationToken) is not { } account || !await IsServableAsync(id, account.Value.Status, states, cancellationToken))
            {
                return ResourceProblems.NotFound();
            }

            read = await core.GetTransactionsAsync(id, query.From, query.To, after, query.Limit, cancellationToken);
        }
        catch (CoreUnavailableException unavailable)
        {
            return ResourceProblems.Unavailable(http, unavailable);
        }

        var page = read.Value;
        var items = new TransactionItem[page.Transactions.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var line = page.Transactions[i];
            items[i] = new TransactionItem(ResourceIdentifiers.TransactionId(caller.Keys, caller.Grant.ProviderId, id, line.Sequence), line.BookingDate, line.ValueDate,
                line.Amount, ResourceNames.Direction(line.Direction), line.BalanceAfter, line.Description, line.Type);
        }

        // The next link repeats the range explicitly: a default "to = today" would move at midnight and orphan the cursor.
        var next = page.Next is { } key
            ? issuer.EndpointUri(string.Create(CultureInfo.InvariantCulture,
                $"{AccountsPath}/{accountId}/transactions?from={query.From:yyyy-MM-dd}&to={query.To:yyyy-MM-dd}&limit={query.Limit}&cursor={HistoryCursor.Seal(caller.Keys.Cursor, scope, key)}")).AbsoluteUri
            : null;

        var detail = ReadEvent(http, caller, id, clock.GetUtcNow(), "transactions");
        detail.Detail!["from"] = query.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        detail.Detail["to"] = query.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        detail.Detail["count"] = items.Length;
        ResourceRecording.Served(http, detail);
        return TypedResults.Ok(new TransactionPage(accountId, query.From, query.To, items, read.AsOf.ToOffset(JapanTime.Offset), Stale(read), read.StaleReasonName, next));
    }

    /// <summary>Last-known data is marked (DOMAIN.md: data may not be the latest); fresh data carries no marker.</summary>
    private static bool? Stale<T>(CoreRead<T> read) => read.Stale ? true : null;

    /// <summary>
    /// False for an account the core calls closed or frozen: it is reported (it leaves every grant, DOMAIN.md "How
    /// links end") and answered like an unknown one.
    /// </summary>
    private static async Task<bool> IsServableAsync(Guid accountId, AccountStatus status, IAccountStateReporter states, CancellationToken cancellationToken)
    {
        if (status == AccountStatus.Open)
        {
            return true;
        }

        await states.ReportAsync(accountId, status, cancellationToken);
        return false;
    }

    /// <summary>The audit record of one read: which provider (client) read what of which account, when, under which grant.</summary>
    private static AuditEvent ReadEvent(HttpContext http, ResourceCaller caller, Guid accountId, DateTimeOffset now, string function) => new(
        AuditEventTypes.DataRead, now, AuditActorKinds.Provider, caller.Token.ClientId,
        CustomerId: caller.Grant.CustomerId, ProviderId: caller.Grant.ProviderId, ClientId: caller.Token.ClientId, GrantId: caller.Grant.GrantId, AccountId: accountId,
        Detail: new JsonObject { ["function"] = function, ["interactionId"] = FapiInteraction.IdOf(http) });
}
