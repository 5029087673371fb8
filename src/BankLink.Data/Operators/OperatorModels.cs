using System.Security.Cryptography;
using System.Text.RegularExpressions;
using BankLink.Domain.Operators;
using BankLink.Domain.Otp;

namespace BankLink.Data.Operators;

/// <summary>Whether an operator may log in and use API keys.</summary>
public enum OperatorStatus
{
    Active,

    /// <summary>Locked after too many wrong passwords or codes in a row; only an admin re-activates.</summary>
    Stopped,

    /// <summary>Switched off by an admin (left the bank, changed post); only an admin re-activates.</summary>
    Disabled,
}

public static class OperatorStatuses
{
    public static string ToName(this OperatorStatus status) => status switch
    {
        OperatorStatus.Active => "active",
        OperatorStatus.Stopped => "stopped",
        OperatorStatus.Disabled => "disabled",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Fails closed: a status this code does not know is never active.</summary>
    public static OperatorStatus Parse(string name) => name switch
    {
        "active" => OperatorStatus.Active,
        "stopped" => OperatorStatus.Stopped,
        _ => OperatorStatus.Disabled,
    };
}

/// <summary>An operator as lists and pages show them: never a hash or a seed.</summary>
public sealed record OperatorSummary(
    Guid Id,
    string LoginId,
    string DisplayName,
    OperatorRole Role,
    OperatorStatus Status,
    int ConsecutiveFailures,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? LastLoginAt,
    DateTimeOffset PasswordChangedAt,
    DateTimeOffset? StatusChangedAt,
    bool MustChangePassword);

/// <summary>
/// A new operator's (or a reset operator's) secrets, returned this once for the admin to hand over: a generated password
/// and a TOTP seed as base32 and otpauth URI. BankLink keeps only the password's hash and the seed encrypted.
/// </summary>
public sealed record OperatorCredentials(OperatorSummary Operator, string Password, string TotpSecretBase32, string OtpAuthUri)
{
    public string QrCodeSvg() => OtpQrCode.Svg(OtpAuthUri);

    /// <summary>Never the secrets: records end up in logs and test output.</summary>
    public override string ToString() => $"OperatorCredentials {{ LoginId = {Operator.LoginId} }}";
}

/// <summary>
/// What a console session is checked against on every request: the operator's current role, status and credential stamp,
/// and whether they must still replace a generated password (<see cref="MustChangePassword"/>: the console then opens
/// only the password page for them).
/// </summary>
public sealed record OperatorSessionState(
    Guid OperatorId, string LoginId, string DisplayName, OperatorRole Role, OperatorStatus Status, DateTimeOffset CredentialStamp, bool MustChangePassword);

/// <summary>An admin API key as lists show it: never the key or its hash.</summary>
public sealed record OperatorApiKeySummary(
    Guid Id,
    Guid OperatorId,
    string OperatorLoginId,
    string Name,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public bool IsUsableAt(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// <summary>A freshly issued admin API key: <see cref="Key"/> is shown this once; only its SHA-256 is stored.</summary>
public sealed record IssuedApiKey(Guid Id, Guid OperatorId, string OperatorLoginId, string Name, DateTimeOffset ExpiresAt, string Key)
{
    /// <summary>Never the key: records end up in logs and test output.</summary>
    public override string ToString() => $"IssuedApiKey {{ Id = {Id}, OperatorLoginId = {OperatorLoginId}, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>Input rules for operator accounts.</summary>
public static partial class OperatorInput
{
    public const int MaxDisplayNameLength = 100;
    public const int MaxApiKeyNameLength = 100;

    /// <summary>Lower case, 3 to 32 of <c>[a-z0-9._-]</c>: "Admin" and "admin" cannot be two people, and no look-alike letters.</summary>
    public static bool TryNormalizeLoginId(string? raw, out string loginId)
    {
        loginId = (raw ?? "").Trim().ToLowerInvariant();
        if (!LoginIdPattern().IsMatch(loginId))
        {
            loginId = "";
            return false;
        }

        return true;
    }

    /// <summary>A name for people (an operator's, an API key's): trimmed, 1 to <paramref name="maxLength"/> characters, no control characters.</summary>
    public static bool TryNormalizeName(string? raw, int maxLength, out string name)
    {
        name = (raw ?? "").Trim();
        if (name.Length < 1 || name.Length > maxLength || name.Any(char.IsControl))
        {
            name = "";
            return false;
        }

        return true;
    }

    [GeneratedRegex("^[a-z0-9._-]{3,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex LoginIdPattern();
}

/// <summary>Secrets BankLink generates for operators: nobody chooses (or ships) an operator password.</summary>
internal static class OperatorSecrets
{
    /// <summary>No 0/O, 1/l/I: the password is read off a screen and typed once into a password manager.</summary>
    private const string PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    /// <summary>Four groups of five from 57 symbols: about 116 bits, beyond any online or offline guessing.</summary>
    public static string NewPassword()
    {
        var chars = RandomNumberGenerator.GetItems<char>(PasswordAlphabet, 20);
        return string.Join('-', chars.Chunk(5).Select(group => new string(group)));
    }

    /// <summary>160 bits, what RFC 4226 §4 R6 recommends for an HMAC-SHA-1 TOTP seed.</summary>
    public static byte[] NewTotpSeed() => RandomNumberGenerator.GetBytes(20);
}
