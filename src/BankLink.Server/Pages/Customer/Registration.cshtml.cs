using BankLink.Data.Registrations;
using BankLink.Domain.Accounts;
using BankLink.Server.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// Registration for linking (利用登録, DOMAIN.md "Two consents"): the linking terms in our own words, explicit
/// acceptance, and the accounts that may be linked at all. It expires after the configured period and the
/// customer comes back here; a new registration replaces the old one, and accounts left out of it leave every
/// link naming them (<see cref="RegistrationStore.RegisterAsync"/>).
/// </summary>
public sealed class RegistrationModel(RegistrationStore registrations, IOptions<RegistrationOptions> options, IStringLocalizer<CustomerText> text) : PageModel
{
    [BindProperty(Name = "account")]
    public List<Guid> Ticked { get; set; } = [];

    /// <summary>The terms checkbox: explicit acceptance, not implied by the button.</summary>
    [BindProperty(Name = "terms")]
    public string? Terms { get; set; }

    [BindProperty(Name = "returnUrl", SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public RegistrationAccounts Current { get; private set; } = new(null, []);

    public int LifetimeDays => (int)options.Value.Lifetime.TotalDays;

    public string? Error { get; private set; }

    public bool IsTicked(AccountChoice choice) => Request.Method == HttpMethods.Post ? Ticked.Contains(choice.Account.Id) : choice.IsRegistered;

    public string Reason(NotLinkableReason reason) => text["NotLinkable." + reason];

    public async Task<IActionResult> OnGetAsync()
    {
        PageHeaders.Apply(Response);
        return await LoadAsync() is { } login ? Page() : ToLogin();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        PageHeaders.Apply(Response);
        if (await LoadAsync() is not { } login)
        {
            return ToLogin();
        }

        if (Terms != "accepted")
        {
            return Refuse(text["Registration.MustAccept"]);
        }

        var result = await registrations.RegisterAsync(login.CustomerId, Ticked.Distinct().ToList(), HttpContext.RequestAborted);
        return result.Status switch
        {
            RegisterStatus.Registered => LocalRedirect(CustomerLocalization.IsLocalPath(ReturnUrl) ? ReturnUrl! : "/links?notice=registered"),
            _ => Refuse(text["Registration.ChooseAccount"]),
        };
    }

    private async Task<CustomerLogin?> LoadAsync()
    {
        if (await CustomerSession.CurrentAsync(HttpContext) is not { } login)
        {
            return null;
        }

        Current = await registrations.GetAccountsAsync(login.CustomerId, HttpContext.RequestAborted);
        return login;
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private LocalRedirectResult ToLogin() =>
        LocalRedirect("/login?returnUrl=" + Uri.EscapeDataString("/registration" + (CustomerLocalization.IsLocalPath(ReturnUrl) ? "?returnUrl=" + Uri.EscapeDataString(ReturnUrl!) : "")));
}
