using System.Security.Cryptography;

namespace BankLink.Domain.Otp;

/// <summary>An OTP token's serial number (シリアル番号): exactly ten ASCII digits.</summary>
public static class SerialNumber
{
    public const int Length = 10;

    public static bool IsValid(string? text) => text is { Length: Length } && text.All(char.IsAsciiDigit);

    /// <summary>Accepts what people type from the back of a device: spaces and hyphens between groups.</summary>
    public static string? Normalize(string? text)
    {
        var digits = text?.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return IsValid(digits) ? digits : null;
    }

    /// <summary>
    /// A new serial for a software token. Software serials start with 1–8: the sandbox's hardware devices
    /// use 9000000001 onwards, and a leading 0 is easy to lose when people copy numbers.
    /// </summary>
    public static string NewSoftware() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{RandomNumberGenerator.GetInt32(1, 9)}{RandomNumberGenerator.GetInt32(0, 1_000_000_000):D9}");
}
