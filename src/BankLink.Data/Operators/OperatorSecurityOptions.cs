namespace BankLink.Data.Operators;

/// <summary>Operator accounts' login and API key settings, from <c>BankLink:Operators</c>.</summary>
public sealed class OperatorSecurityOptions
{
    public const string SectionName = "BankLink:Operators";

    /// <summary>Wrong passwords or TOTP codes in a row before the operator is stopped (only an admin re-activates).</summary>
    public int MaxConsecutiveFailures { get; set; } = 5;

    /// <summary>The name authenticator apps show for operator TOTP seeds (the otpauth issuer), distinct from the customers' one.</summary>
    public string OtpIssuer { get; set; } = "BankLink Console";

    /// <summary>How long an admin API key lives when the issuer names no lifetime.</summary>
    public TimeSpan ApiKeyDefaultLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>No admin API key lives longer: a forgotten key in a script must die on its own.</summary>
    public TimeSpan ApiKeyMaxLifetime { get; set; } = TimeSpan.FromDays(365);

    public IEnumerable<string> Problems()
    {
        if (MaxConsecutiveFailures < 1)
        {
            yield return $"{SectionName}:MaxConsecutiveFailures must be at least 1.";
        }

        if (string.IsNullOrWhiteSpace(OtpIssuer) || OtpIssuer.Contains(':', StringComparison.Ordinal))
        {
            yield return $"{SectionName}:OtpIssuer must be a name without ':'.";
        }

        if (ApiKeyDefaultLifetime < TimeSpan.FromDays(1) || ApiKeyMaxLifetime < ApiKeyDefaultLifetime)
        {
            yield return $"{SectionName}: ApiKeyDefaultLifetime must be at least a day and ApiKeyMaxLifetime at least ApiKeyDefaultLifetime.";
        }
    }
}
