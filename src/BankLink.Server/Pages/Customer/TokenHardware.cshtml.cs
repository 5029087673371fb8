using BankLink.Data.Customers;
using BankLink.Data.Otp;
using BankLink.Server.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// Registers a hardware token from the bank's stock for the logged-in customer: the 10-digit serial on its back,
/// the code it shows now and the confirmation PIN. Replacing a device is registering the new one here.
/// </summary>
public sealed class TokenHardwareModel(OtpDeviceRegistration registration, IStringLocalizer<CustomerText> text) : PageModel
{
    internal const string PagePath = "/tokens/hardware";

    /// <summary>What may be typed for a serial: ten digits, with spaces or hyphens between groups.</summary>
    private const int MaxSerialLength = 20;

    [BindProperty(Name = "serial")]
    public string? Serial { get; set; }

    [BindProperty(Name = "otp")]
    public string? Otp { get; set; }

    [BindProperty(Name = "pin")]
    public string? Pin { get; set; }

    public string? Error { get; private set; }

    public string? Warning { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        PageHeaders.Apply(Response);
        return await CustomerSession.CurrentAsync(HttpContext) is null ? TokenPages.ToLogin(PagePath) : Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        PageHeaders.Apply(Response);
        if (await CustomerSession.CurrentAsync(HttpContext) is not { } session)
        {
            return TokenPages.ToLogin(PagePath);
        }

        var result = await registration.RegisterHardwareDeviceAsync(
            session.CustomerId, Serial, Otp, Pin, HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case AuthenticationOutcome.Accepted:
                return LocalRedirect(TokenPages.Registered);
            case AuthenticationOutcome.Stopped:
                return await TokenPages.SignOutStoppedAsync(HttpContext);
            case AuthenticationOutcome.Throttled:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                break;
        }

        (Error, Warning) = TokenPages.Describe(result.Outcome, text, "Tokens.Hardware.Wrong");

        // The serial is given back so a typo can be corrected; the code and the PIN never are.
        Serial = Serial is { Length: <= MaxSerialLength } ? Serial.Trim() : null;
        return Page();
    }
}
