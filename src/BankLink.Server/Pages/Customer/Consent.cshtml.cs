using BankLink.CoreBanking;
using BankLink.Data.Stores;
using BankLink.Domain.Accounts;
using BankLink.Domain.Time;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using BankLink.Server.Authorization;
using BankLink.Server.Hosting.Protocol;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Npgsql;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// The consent step (DOMAIN.md "Two consents", permission per provider and account): who asks, for which
/// functions, who else receives the data, which accounts (linkable ones with a checkbox, the others greyed
/// with the reason), until when. The page carries only client_id and request_uri (STYLE.md 13), and the
/// POST re-checks the request, the customer and every ticked account before anything is issued.
/// A merge or replace request (FAPI Grant Management §5.2) updates the grant it names, which must be the
/// logged-in customer's and still active; the page then shows what the grant already allows.
/// </summary>
public sealed partial class ConsentModel(
    AuthorizationRequests requests, NpgsqlDataSource dataSource, IGrantStore grants,
    IPushedRequestStore pushed, IssuerOptions issuer, TimeProvider clock, ILogger<ConsentModel> logger, IStringLocalizer<CustomerText> text,
    ConsentStore consents, BankLink.Data.Registrations.RegistrationStore registrations) : PageModel
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

    /// <summary>What the provider is, in its own words as registered with the bank.</summary>
    public string ProviderDescription { get; private set; } = "";

    public IReadOnlyList<string> Functions { get; private set; } = [];

    public IReadOnlyList<string> Recipients { get; private set; } = [];

    /// <summary>Every account of the customer, with whether it is in their registration for linking.</summary>
    public IReadOnlyList<BankLink.Data.Registrations.AccountChoice> Choices { get; private set; } = [];

    public DateTimeOffset ExpiresOn { get; private set; }

    public string? Error { get; private set; }

    /// <summary>A permission never outlives the registration it rests on.</summary>
    public DateTimeOffset RegistrationExpiresAt { get; private set; }

    /// <summary>For merge and replace: the grant this consent updates; null for create.</summary>
    public Grant? ExistingGrant { get; private set; }

    /// <summary>What the existing grant allows today, so the customer sees what changes.</summary>
    public IReadOnlyList<string> CurrentFunctions { get; private set; } = [];

    public bool IsMerge { get; private set; }

    /// <summary>Ticked when the page opens: the accounts the existing grant names.</summary>
    public bool IsInGrant(CoreAccount account) => ExistingGrant?.AccountIds.Contains(account.Id) == true;

    /// <summary>On merge the grant's accounts stay whatever is ticked (§5.2), so their boxes are ticked and cannot be cleared.</summary>
    public bool IsKept(CoreAccount account) => IsMerge && IsInGrant(account);

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
        // A merge may tick nothing new (to add a function or renew the link) while the grant keeps a linkable account.
        var linkable = Choices.Where(a => a.CanLink).ToDictionary(a => a.Account.Id.ToString(), a => a.Account.Id, StringComparer.Ordinal);
        var keepsAnAccount = IsMerge && ExistingGrant!.AccountIds.Any(linkable.ContainsValue);
        if (!deny && ((Ticked.Count == 0 && !keepsAnAccount) || !Ticked.All(linkable.ContainsKey)))
        {
            Error = text["Consent.ChooseAccount"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // One answer per request (RFC 9126 §4), in one transaction with the grant, the code and the audit event
        // (ConsentStore): whoever consumes the request first answers; a second POST gets nothing.
        if (deny)
        {
            // A denied merge or replace leaves the grant as it was.
            return await consents.DenyAsync(new ConsentDenial(pending!.RequestUriHash, pending.Client.ClientId, pending.Client.ProviderId, session!.Value.CustomerId,
                    pending.GrantManagementAction, ExistingGrant?.Id, pending.Scope), HttpContext.RequestAborted)
                ? Redirect(AuthorizationRequests.ErrorRedirect(pending, issuer.Issuer, "access_denied", "The customer did not allow the link."))
                : AlreadyAnswered();
        }

        var now = clock.GetUtcNow();
        var chosen = Ticked.Distinct(StringComparer.Ordinal).Select(id => linkable[id]).ToList();
        var code = OpaqueToken.Create(TokenKind.AuthorizationCode);
        var result = await consents.ApproveAsync(new ConsentApproval(pending!.RequestUriHash, pending.Client.ClientId, pending.Client.ProviderId, session!.Value.CustomerId,
            pending.GrantManagementAction, ExistingGrant?.Id, pending.Scope, chosen, linkable.Values.ToHashSet(), now + PermissionLifetime,
            new ConsentCode(Guid.NewGuid(), OpaqueToken.Hash(code), pending.Request.DpopJkt, AuthorizationRequests.CodePayload(pending, session.Value), now + CodeLifetime)),
            HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case ConsentOutcome.AlreadyAnswered:
                return AlreadyAnswered();
            case ConsentOutcome.NotRegistered:
                // DOMAIN.md "Two consents": only accounts of a valid registration may be allowed.
                Error = text["Consent.ChooseAccount"];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            case ConsentOutcome.GrantEnded:
                // Ended (revoked, expired, its accounts gone) between the page and the answer.
                LogGrantRefused(logger, ErrorCatalogue.GrantIdInvalid.Id, ExistingGrant!.Id, "grant ended or left without an account before the consent was answered");
                return Redirect(AuthorizationRequests.ErrorRedirect(pending, issuer.Issuer, ErrorCatalogue.GrantIdInvalid));
        }

        return Redirect(AuthorizationRequests.Redirect(pending, issuer.Issuer, [new("code", code)]));
    }

    /// <summary>Why an account is greyed out, in the customer's language (DOMAIN.md "Accounts that can be linked").</summary>
    public string Reason(NotLinkableReason reason) => text["NotLinkable." + reason];

    private async Task<(PendingAuthorization?, CustomerLogin?, IActionResult?)> LoadAsync()
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

        if (pending.GrantId is { } grantId)
        {
            var grant = await grants.FindAsync(grantId, HttpContext.RequestAborted);
            if (await RefuseGrantAsync(pending, grant, session.Value.CustomerId) is { } refusal)
            {
                return (pending, session, refusal);
            }

            ExistingGrant = grant;
            IsMerge = pending.GrantManagementAction == GrantManagementActions.Merge;
            CurrentFunctions = DescribeFunctions(grant!.Scope);
        }

        PageHeaders.Apply(Response, new Uri(pending.RedirectUri).GetLeftPart(UriPartial.Authority));
        await using (var command = dataSource.CreateCommand("""
            SELECT CASE WHEN $2 THEN p.name ELSE p.name_ja END, CASE WHEN $2 THEN p.description ELSE p.description_ja END,
                   coalesce(string_agg(CASE WHEN $2 THEN r.name || ' (' || r.purpose || ')' ELSE r.name_ja || '（' || r.purpose_ja || '）' END, '||'), '')
            FROM providers p LEFT JOIN chained_recipients r ON r.provider_id = p.id WHERE p.id = $1 GROUP BY p.id
            """))
        {
            command.Parameters.AddWithValue(pending.Client.ProviderId);
            command.Parameters.AddWithValue(System.Globalization.CultureInfo.CurrentUICulture.Name == CustomerLocalization.English);
            await using var reader = await command.ExecuteReaderAsync(HttpContext.RequestAborted);
            if (await reader.ReadAsync(HttpContext.RequestAborted))
            {
                ProviderName = reader.GetString(0);
                ProviderDescription = reader.GetString(1);
                Recipients = reader.GetString(2).Split("||", StringSplitOptions.RemoveEmptyEntries);
            }
        }

        ClientName = pending.Client.Metadata[Parameters.ClientName]?.GetValue<string>() ?? pending.Client.ClientId;

        // After a merge the grant allows what it did plus what this request asks; its end is never brought forward.
        var expires = clock.GetUtcNow() + PermissionLifetime;
        Functions = DescribeFunctions(IsMerge ? ExistingGrant!.Scope + " " + pending.Scope : pending.Scope);
        // DOMAIN.md "Two consents": without a valid registration for linking, the customer registers first and comes back.
        var registered = await registrations.GetAccountsAsync(session.Value.CustomerId, HttpContext.RequestAborted);
        if (registered.Registration is null)
        {
            return (pending, session, LocalRedirect("/registration?returnUrl=" + Uri.EscapeDataString(AuthorizationRequests.ConsentPath(ClientId!, RequestUri!))));
        }

        Choices = registered.Accounts;
        RegistrationExpiresAt = registered.Registration.ExpiresAt;
        ExpiresOn = IsMerge && ExistingGrant!.ExpiresAt > expires ? ExistingGrant.ExpiresAt : expires;
        ExpiresOn = ExpiresOn < RegistrationExpiresAt ? ExpiresOn : RegistrationExpiresAt;
        return (pending, session, null);
    }

    private List<string> DescribeFunctions(string scope) =>
        [.. scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Select(s => text["Function." + s].Value)];

    /// <summary>
    /// FAPI Grant Management §5.3: a merge or replace needs a grant that is still active (it was at PAR, but may
    /// have ended since) and held by the customer who logged in; otherwise the request ends with invalid_grant_id
    /// on the redirect, and the page shows nothing of the grant. The request is answered then, so it is consumed.
    /// </summary>
    private async Task<IActionResult?> RefuseGrantAsync(PendingAuthorization pending, Grant? grant, Guid customerId)
    {
        var now = clock.GetUtcNow();
        var (error, detail) = grant switch
        {
            null => (ErrorCatalogue.GrantIdInvalid, "grant not found"),
            _ when grant.ClientId != pending.Client.ClientId => (ErrorCatalogue.GrantIdInvalid, "grant of another client"),
            _ when !grant.IsActiveAt(now) => (ErrorCatalogue.GrantIdInvalid, "grant ended since the pushed request"),
            _ when grant.CustomerId != customerId => (ErrorCatalogue.GrantIdOfAnotherCustomer, "the logged-in customer does not hold the grant"),
            _ => (null, null),
        };
        if (error is null)
        {
            return null;
        }

        LogGrantRefused(logger, error.Id, pending.GrantId!.Value, detail!);
        return await pushed.TryConsumeAsync(pending.RequestUriHash, now, HttpContext.RequestAborted)
            ? Redirect(AuthorizationRequests.ErrorRedirect(pending, issuer.Issuer, error))
            : AlreadyAnswered();
    }

    private ContentResult AlreadyAnswered()
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Content("This request was already answered. / この依頼は処理済みです。", "text/plain; charset=utf-8");
    }

    [LoggerMessage(EventId = 6602, Level = LogLevel.Information, Message = "Authorization refused at consent: {ErrorId} for grant {GrantId} ({Detail})")]
    private static partial void LogGrantRefused(ILogger logger, string errorId, Guid grantId, string detail);
}
