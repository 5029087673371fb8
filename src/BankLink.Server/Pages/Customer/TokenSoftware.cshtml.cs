using BankLink.Data.Customers;
using BankLink.Data.Otp;
using BankLink.Domain.Otp;
using BankLink.Server.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// Enrols an authenticator app as a software token for the logged-in customer. The GET only explains; the
/// customer starts the enrolment with a button (a POST, so no link from elsewhere can start or replace one),
/// and that answer is the only one that ever carries the seed (as a QR code drawn here and as the key to
/// type), with the serial number the token will have; the next POST confirms it with a current code and the
/// confirmation PIN.
/// A refused POST never starts a new enrolment and never shows the seed again: the customer retries the same
/// serial (their app already holds the seed) or starts over.
/// </summary>
public sealed class TokenSoftwareModel(
    OtpDeviceStore devices, OtpDeviceRegistration registration, IStringLocalizer<CustomerText> text) : PageModel
{
    internal const string PagePath = "/tokens/software";

    [BindProperty(Name = "serial")]
    public string? Serial { get; set; }

    [BindProperty(Name = "otp")]
    public string? Otp { get; set; }

    [BindProperty(Name = "pin")]
    public string? Pin { get; set; }

    /// <summary>The enrolment the start button began; null otherwise.</summary>
    public SoftwareEnrolment? Enrolment { get; private set; }

    /// <summary>QRCoder's SVG of the otpauth URI: generated here from the seed, never from anything the browser sent.</summary>
    public string? QrCodeSvg { get; private set; }

    public string? ManualKey { get; private set; }

    /// <summary>The serial of the customer's enrolment still waiting for its code: the form posts it back.</summary>
    public string? PendingSerial { get; private set; }

    public string? Error { get; private set; }

    public string? Warning { get; private set; }

    /// <summary>Neither an enrolment nor a pending one to retry: the page offers the start button.</summary>
    public bool OffersStart => Enrolment is null && PendingSerial is null;

    /// <summary>Nothing starts yet: the page explains and offers the start button.</summary>
    public async Task<IActionResult> OnGetAsync()
    {
        PageHeaders.Apply(Response);
        return await CustomerSession.CurrentAsync(HttpContext) is null ? TokenPages.ToLogin(PagePath) : Page();
    }

    /// <summary>Starts an enrolment (replacing any still pending) and shows its seed, this once.</summary>
    public async Task<IActionResult> OnPostBeginAsync()
    {
        PageHeaders.Apply(Response);
        if (await CustomerSession.CurrentAsync(HttpContext) is not { } session)
        {
            return TokenPages.ToLogin(PagePath);
        }

        Enrolment = await devices.BeginSoftwareEnrolmentAsync(session.CustomerId, HttpContext.RequestAborted);
        QrCodeSvg = Enrolment.QrCodeSvg();
        ManualKey = TokenPages.GroupInFours(Enrolment.SecretBase32);
        PendingSerial = Enrolment.SerialNumber;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        PageHeaders.Apply(Response);
        if (await CustomerSession.CurrentAsync(HttpContext) is not { } session)
        {
            return TokenPages.ToLogin(PagePath);
        }

        var result = await registration.ConfirmSoftwareEnrolmentAsync(
            session.CustomerId, Serial ?? "", Otp, Pin, HttpContext.Connection.RemoteIpAddress, HttpContext.RequestAborted);
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

        (Error, Warning) = TokenPages.Describe(result.Outcome, text, "Tokens.Software.Wrong");

        // The form comes back only for the customer's own enrolment that is still waiting (not expired, not
        // replaced by a newer one in another tab); the serial shown is then the one BankLink holds.
        var serial = SerialNumber.Normalize(Serial);
        if (result.Outcome != AuthenticationOutcome.EnrolmentExpired && serial is not null)
        {
            var tokens = await devices.ListAsync(session.CustomerId, HttpContext.RequestAborted);
            PendingSerial = tokens.FirstOrDefault(d => d.Status == OtpDeviceStatus.Pending && d.SerialNumber == serial)?.SerialNumber;
        }

        return Page();
    }
}
