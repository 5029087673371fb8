using BankLink.Domain.Security;
using BankLink.Server.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Npgsql;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// The plain login step of the authorization flow: login ID and password. The one-time password, lockout
/// (利用中止) and Japanese/English pages come with the customer journey (issue 4). A wrong ID and a wrong
/// password get the same answer, in the same time.
/// </summary>
public sealed class LoginModel(NpgsqlDataSource dataSource, TimeProvider clock, IStringLocalizer<CustomerText> text) : PageModel
{
    /// <summary>Checked when the login ID is unknown, so that answer takes as long as a wrong password.</summary>
    private static readonly string DecoyHash = SecretHasher.Hash(Guid.NewGuid().ToString());

    [BindProperty(Name = "login_id")]
    public string? LoginId { get; set; }

    [BindProperty(Name = "password")]
    public string? Password { get; set; }

    [BindProperty(Name = "returnUrl", SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet() => PageHeaders.Apply(Response);

    public async Task<IActionResult> OnPostAsync()
    {
        PageHeaders.Apply(Response);
        if (LoginId is { Length: > 0 and <= 64 } loginId && Password is { Length: > 0 and <= 128 } password)
        {
            await using var command = dataSource.CreateCommand("SELECT id, customer_number, password_hash, status FROM customers WHERE login_id = $1");
            command.Parameters.AddWithValue(loginId);
            await using var reader = await command.ExecuteReaderAsync(HttpContext.RequestAborted);
            var found = await reader.ReadAsync(HttpContext.RequestAborted);
            var valid = SecretHasher.Verify(password, found ? reader.GetString(2) : DecoyHash) && found && reader.GetString(3) == "active";
            if (valid)
            {
                await CustomerSession.SignInAsync(HttpContext, reader.GetGuid(0), reader.GetString(1), clock.GetUtcNow(), [AuthenticationMethods.Password]);
                return LocalRedirect(ReturnUrl is not null && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
            }
        }

        Error = text["Login.Failed"];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
