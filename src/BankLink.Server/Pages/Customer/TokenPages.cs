using BankLink.Data.Customers;
using BankLink.Server.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace BankLink.Server.Pages.Customer;

/// <summary>
/// What the two token pages share (DOMAIN.md "Proving who the customer is": a token is registered with its
/// serial, a current code and the confirmation PIN): the way to the login page, the answer to each outcome
/// with one message for any wrong factor, and the way out for a stopped customer.
/// </summary>
internal static class TokenPages
{
    /// <summary>Where a registered token sends the customer; the links page shows the notice.</summary>
    public const string Registered = "/links?notice=token-registered";

    public static LocalRedirectResult ToLogin(string page) => new("/login" + LoginModel.ReturnQuery(page));

    /// <summary>
    /// 利用中止: the session ends with the stop, and the login page tells the customer only that they are
    /// stopped (as it does after a wrong login), never which factor was wrong.
    /// </summary>
    public static async Task<LocalRedirectResult> SignOutStoppedAsync(HttpContext http)
    {
        await http.SignOutAsync(CustomerSession.Scheme);
        return new LocalRedirectResult("/login?e=" + nameof(AuthenticationOutcome.Stopped));
    }

    /// <summary>The words for a refused attempt: one message whatever was wrong, and a warning before the last attempt.</summary>
    public static (string? Error, string? Warning) Describe(AuthenticationOutcome outcome, IStringLocalizer<CustomerText> text, string wrongKey) => outcome switch
    {
        AuthenticationOutcome.Wrong => (text[wrongKey], null),
        AuthenticationOutcome.WrongOneAttemptLeft => (text[wrongKey], text["Tokens.OneAttemptLeft"]),
        AuthenticationOutcome.Throttled => (text["Tokens.Throttled"], null),
        AuthenticationOutcome.EnrolmentExpired => (text["Tokens.Expired"], null),
        _ => (text[wrongKey], null),
    };

    /// <summary>A base32 key in groups of four, as people read and type it ("ABCD EFGH …"); apps ignore the spaces.</summary>
    public static string GroupInFours(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return string.Join(' ', key.Chunk(4).Select(group => new string(group)));
    }
}
