using BankLink.Data.Customers;
using BankLink.Server.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// Login step two: the one-time password from one of the customer's tokens. Only when step one proved the
/// customer is the code checked (so a code typed after a wrong password moves no counter twice); any failure
/// sends the customer back to step one with one message for all factors. On success the customer gets a new
/// session cookie (a session fixed before the login is never the one after) recording how they logged in.
/// </summary>
public sealed class LoginOtpModel(CustomerAuthenticator authenticator, PendingLogin pendingLogin, TimeProvider clock) : PageModel
{
    [BindProperty(Name = "otp")]
    public string? Otp { get; set; }

    [BindProperty(Name = "returnUrl", SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet()
    {
        PageHeaders.Apply(Response);
        return pendingLogin.Read(HttpContext) is null ? BackToStepOne("expired") : Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        PageHeaders.Apply(Response);
        var pending = pendingLogin.Read(HttpContext);
        PendingLogin.Clear(HttpContext);
        if (pending is null)
        {
            return BackToStepOne("expired");
        }

        if (pending.Outcome != AuthenticationOutcome.Accepted || pending.CustomerId is not { } customerId)
        {
            return BackToStepOne(pending.Outcome.ToString());
        }

        var result = await authenticator.CheckOneTimePasswordAsync(customerId, Otp, HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted);
        if (result.Outcome != AuthenticationOutcome.Accepted)
        {
            return BackToStepOne(result.Outcome.ToString());
        }

        // RFC 8176: a password, a one-time password, hence more than one factor.
        await HttpContext.SignOutAsync(CustomerSession.Scheme);
        await CustomerSession.SignInAsync(HttpContext, result.Customer!.Id, result.Customer.CustomerNumber, clock.GetUtcNow(),
            [AuthenticationMethods.Password, AuthenticationMethods.OneTimePassword, AuthenticationMethods.MultiFactor]);
        return LocalRedirect(CustomerLocalization.IsLocalPath(ReturnUrl) ? ReturnUrl! : "/links");
    }

    private LocalRedirectResult BackToStepOne(string outcome) =>
        LocalRedirect("/login?e=" + Uri.EscapeDataString(outcome) + (CustomerLocalization.IsLocalPath(ReturnUrl) ? "&returnUrl=" + Uri.EscapeDataString(ReturnUrl!) : ""));
}
