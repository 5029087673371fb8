using BankLink.CoreBanking;
using BankLink.Domain.Accounts;
using BankLink.Domain.Time;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using BankLink.Server.Authorization;
using BankLink.Server.Hosting.Protocol;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Npgsql;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// The consent step (DOMAIN.md "Two consents", permission per provider and account): who asks, for which
/// functions, who else receives the data, which accounts (linkable ones with a checkbox, the others greyed
/// with the reason), until when. The page carries only client_id and request_uri (STYLE.md 13), and the
/// POST re-checks the request, the customer and every ticked account before anything is issued.
/// </summary>
public sealed class ConsentModel(
    AuthorizationRequests requests, ICoreBankingGateway core, NpgsqlDataSource dataSource, IGrantStore grants, ITokenStore tokens,
    IPushedRequestStore pushed, IssuerOptions issuer, TimeProvider clock) : PageModel
{
    /// <summary>DOMAIN.md: a permission expires after a set period, by default 90 days.</summary>
    public static readonly TimeSpan PermissionLifetime = TimeSpan.FromDays(90);

    /// <summary>RFC 6749 §4.1.2: codes are short-lived; one minute.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromSeconds(60);

    [BindProperty(Name = "client_id", SupportsGet = true)]
    public string? ClientId { get; set; }

    [BindProperty(Name = "request_uri", SupportsGet = true)]
    public string? RequestUri { get; set; }

    [BindProperty(Name = "account")]
    public List<string> Ticked { get; set; } = [];

    public string ProviderName { get; private set; } = "";

    public string ClientName { get; private set; } = "";

    public IReadOnlyList<string> Functions { get; private set; } = [];

    public IReadOnlyList<string> Recipients { get; private set; } = [];

    public IReadOnlyList<CoreAccount> Accounts { get; private set; } = [];

    public DateOnly ExpiresOn { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var (pending, session, problem) = await LoadAsync();
        return problem ?? Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var (pending, session, problem) = await LoadAsync();
        if (problem is not null)
        {
            return problem;
        }

        var deny = Request.Form.ContainsKey("deny");

        // Re-check every ticked account against what the core says now: linkable, and the customer's own.
        var linkable = Accounts.Where(a => a.IsLinkable).ToDictionary(a => a.Id.ToString(), a => a.Id, StringComparer.Ordinal);
        if (!deny && (Ticked.Count == 0 || !Ticked.All(linkable.ContainsKey)))
        {
            Error = "連携できる口座を1つ以上選んでください。 / Choose at least one linkable account.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // One answer per request (RFC 9126 §4): whoever consumes it first answers; a second POST gets nothing.
        if (!await pushed.TryConsumeAsync(pending!.RequestUriHash, clock.GetUtcNow(), HttpContext.RequestAborted))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Content("This request was already answered. / この依頼は処理済みです。", "text/plain; charset=utf-8");
        }

        if (deny)
        {
            return Redirect(AuthorizationRequests.ErrorRedirect(pending, issuer.Issuer, "access_denied", "The customer did not allow the link."));
        }

        var now = clock.GetUtcNow();
        var grant = new Grant(Guid.NewGuid(), pending.Client.ClientId, pending.Client.ProviderId, session!.Value.CustomerId, pending.Scope,
            [.. Ticked.Distinct(StringComparer.Ordinal).Select(id => linkable[id])], now, now + PermissionLifetime);
        await grants.CreateAsync(grant, HttpContext.RequestAborted);
        var code = OpaqueToken.Create(TokenKind.AuthorizationCode);
        await tokens.CreateAsync(new StoredToken(Guid.NewGuid(), StoredTokenKind.AuthorizationCode, pending.Client.ClientId, grant.Id, null, pending.Scope,
            pending.Request.DpopJkt, StoredTokenStatus.Active, now, now + CodeLifetime)
        {
            Payload = AuthorizationRequests.CodePayload(pending, session.Value.AuthTime),
        }, OpaqueToken.Hash(code), HttpContext.RequestAborted);
        return Redirect(AuthorizationRequests.Redirect(pending, issuer.Issuer, [new("code", code)]));
    }

    public static string Masked(string accountNumber) => "***" + accountNumber[^4..];

    public static string Reason(NotLinkableReason reason) => reason switch
    {
        NotLinkableReason.KindNotOffered => "連携できない種類の口座です / This kind of account cannot be linked",
        NotLinkableReason.NoPinRegisteredCard => "暗証番号を登録したキャッシュカードがありません / No cash card with a registered PIN",
        NotLinkableReason.Frozen => "お取引が停止されています / The account is frozen",
        NotLinkableReason.Closed => "解約済みです / The account is closed",
        _ => "",
    };

    private async Task<(PendingAuthorization?, (Guid CustomerId, string CustomerNumber, DateTimeOffset AuthTime)?, IActionResult?)> LoadAsync()
    {
        var pending = await requests.FindAsync(ClientId, RequestUri, HttpContext.RequestAborted);
        if (pending is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return (null, null, Content(AuthorizationRequests.InvalidLinkMessage, "text/plain; charset=utf-8"));
        }

        var session = await CustomerSession.CurrentAsync(HttpContext);
        if (session is null)
        {
            return (pending, null, LocalRedirect("/login?returnUrl=" + Uri.EscapeDataString(AuthorizationRequests.AuthorizePath(ClientId!, RequestUri!))));
        }

        PageHeaders.Apply(Response, new Uri(pending.RedirectUri).GetLeftPart(UriPartial.Authority));
        await using (var command = dataSource.CreateCommand("""
            SELECT p.name_ja || ' / ' || p.name, coalesce(string_agg(r.name_ja || ' (' || r.purpose_ja || ')', '||'), '')
            FROM providers p LEFT JOIN chained_recipients r ON r.provider_id = p.id WHERE p.id = $1 GROUP BY p.id
            """))
        {
            command.Parameters.AddWithValue(pending.Client.ProviderId);
            await using var reader = await command.ExecuteReaderAsync(HttpContext.RequestAborted);
            if (await reader.ReadAsync(HttpContext.RequestAborted))
            {
                ProviderName = reader.GetString(0);
                Recipients = reader.GetString(1).Split("||", StringSplitOptions.RemoveEmptyEntries);
            }
        }

        ClientName = pending.Client.Metadata[Parameters.ClientName]?.GetValue<string>() ?? pending.Client.ClientId;
        Functions = [.. pending.Scope.Split(' ').Select(s => s switch
        {
            Scopes.Balance => "残高照会 / Balance inquiry",
            Scopes.Transactions => "入出金明細照会 / Transaction history",
            Scopes.OpenId => "お客さまの識別 / Identifying you to the app",
            _ => s,
        })];
        Accounts = await core.GetAccountsAsync(session.Value.CustomerNumber, HttpContext.RequestAborted);
        ExpiresOn = DateOnly.FromDateTime((clock.GetUtcNow() + PermissionLifetime).ToOffset(JapanTime.Offset).DateTime);
        return (pending, session, null);
    }
}
