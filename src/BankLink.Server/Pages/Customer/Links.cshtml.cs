using System.Globalization;
using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Data.Otp;
using BankLink.Data.Registrations;
using BankLink.Server.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// "My links" (DOMAIN.md "How links end"): every provider the customer allowed, with accounts, functions,
/// chained recipients and dates; ending a whole link or one account of it takes effect for every token at
/// once (the stores revoke in the same transaction). Also the customer's OTP tokens, their registration for
/// linking and recent security events.
/// </summary>
public sealed class LinksModel(LinkStore links, OtpDeviceStore devices, RegistrationStore registrations, AuditTrail auditTrail) : PageModel
{
    public const int EventsShown = 20;

    public IReadOnlyList<CustomerLink> Links { get; private set; } = [];

    public IReadOnlyList<OtpDeviceSummary> Tokens { get; private set; } = [];

    public Registration? Registration { get; private set; }

    public IReadOnlyList<AuditEntry> Events { get; private set; } = [];

    /// <summary>What the last action did, as a words key (from the query: a code, never free text).</summary>
    [BindProperty(Name = "notice", SupportsGet = true)]
    public string? Notice { get; set; }

    [BindProperty(Name = "grant")]
    public Guid? GrantId { get; set; }

    [BindProperty(Name = "account")]
    public Guid? AccountId { get; set; }

    [BindProperty(Name = "serial")]
    public string? Serial { get; set; }

    public static bool IsEnglish => CultureInfo.CurrentUICulture.Name == CustomerLocalization.English;

    public async Task<IActionResult> OnGetAsync()
    {
        PageHeaders.Apply(Response);
        if (await CustomerSession.CurrentAsync(HttpContext) is not { } login)
        {
            return LocalRedirect("/login?returnUrl=%2Flinks");
        }

        var ct = HttpContext.RequestAborted;
        Links = await links.ListActiveAsync(login.CustomerId, ct);
        Tokens = await devices.ListAsync(login.CustomerId, ct);
        Registration = await registrations.FindValidAsync(login.CustomerId, ct);
        Events = (await auditTrail.RecentForCustomerAsync(login.CustomerId, null, EventsShown, ct)).Events;
        return Page();
    }

    /// <summary>Ends a whole link: the grant and every token of it, at once.</summary>
    public Task<IActionResult> OnPostRevokeAsync() => ActAsync(async customerId =>
        GrantId is { } grant && await links.RevokeAsync(customerId, grant, HttpContext.RequestAborted) == LinkChange.Revoked ? "link-revoked" : "not-found");

    /// <summary>Takes one account out of a link; a link left without accounts ends.</summary>
    public Task<IActionResult> OnPostRemoveAccountAsync() => ActAsync(async customerId =>
        GrantId is { } grant && AccountId is { } account
            ? await links.RemoveAccountAsync(customerId, grant, account, HttpContext.RequestAborted) switch
            {
                LinkChange.AccountRemoved => "account-removed",
                LinkChange.LinkEnded => "link-ended",
                _ => "not-found",
            }
            : "not-found");

    /// <summary>Deregisters one OTP token; the last active one stays (without it the customer could not log in).</summary>
    public Task<IActionResult> OnPostRetireTokenAsync() => ActAsync(async customerId =>
        Serial is { Length: 10 } serial
            ? await devices.RetireAsync(customerId, serial, HttpContext.RequestAborted) switch
            {
                OtpRetirementOutcome.Retired => "token-retired",
                OtpRetirementOutcome.LastActiveDevice => "token-last",
                _ => "not-found",
            }
            : "not-found");

    public async Task<IActionResult> OnPostLogoutAsync()
    {
        await HttpContext.SignOutAsync(CustomerSession.Scheme);
        return LocalRedirect("/login?e=logged-out");
    }

    /// <summary>Post/redirect/get: the change is made, then the page is shown again with what happened.</summary>
    private async Task<IActionResult> ActAsync(Func<Guid, Task<string>> action)
    {
        PageHeaders.Apply(Response);
        if (await CustomerSession.CurrentAsync(HttpContext) is not { } login)
        {
            return LocalRedirect("/login?returnUrl=%2Flinks");
        }

        return LocalRedirect("/links?notice=" + await action(login.CustomerId));
    }
}
