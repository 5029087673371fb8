namespace BankLink.Domain.Otp;

/// <summary>
/// The <c>otpauth://totp/…</c> URI authenticator apps read from a QR code (Google Authenticator's Key Uri
/// Format): the seed in base32 and BankLink's fixed parameters, stated explicitly so no app guesses.
/// </summary>
public static class OtpAuthUri
{
    public static string Build(string issuer, string accountName, ReadOnlySpan<byte> seed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);

        // The label's issuer prefix and the issuer parameter must agree; the format forbids a colon in either.
        if (issuer.Contains(':', StringComparison.Ordinal) || accountName.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("Neither the issuer nor the account name may contain ':'.");
        }

        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(accountName);
        return $"otpauth://totp/{label}?secret={Base32.Encode(seed)}&issuer={Uri.EscapeDataString(issuer)}"
            + $"&algorithm=SHA1&digits={Totp.Digits}&period={(int)Totp.Period.TotalSeconds}";
    }
}
