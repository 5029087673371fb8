namespace BankLink.Data.Customers;

/// <summary>
/// Lockout (利用中止) and its defences (DOMAIN.md "Proving who the customer is"; README "Lockout"), from
/// <c>BankLink:Customers</c>.
/// </summary>
public sealed class CustomerSecurityOptions
{
    public const string SectionName = "BankLink:Customers";

    /// <summary>Wrong passwords, one-time passwords and confirmation PINs in a row before the customer is stopped.</summary>
    public int MaxConsecutiveFailures { get; set; } = 5;

    /// <summary>Failed attempts one client address may make per <see cref="AddressWindow"/> before it is refused outright.</summary>
    public int AddressFailureLimit { get; set; } = 20;

    public TimeSpan AddressWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>This many customers stopped within <see cref="StopBurstWindow"/> raises an alert to operators.</summary>
    public int StopBurstThreshold { get; set; } = 10;

    public TimeSpan StopBurstWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a software token waits for the customer's first code.</summary>
    public TimeSpan PendingEnrolmentLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The name authenticator apps show for BankLink's tokens (the otpauth issuer).</summary>
    public string OtpIssuer { get; set; } = "BankLink";

    /// <summary>Fails at startup, not at the first login, on settings that would disable the lockout.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxConsecutiveFailures < 1)
        {
            yield return $"{SectionName}:MaxConsecutiveFailures must be at least 1.";
        }

        if (AddressFailureLimit < 1)
        {
            yield return $"{SectionName}:AddressFailureLimit must be at least 1.";
        }

        if (AddressWindow < TimeSpan.FromSeconds(1) || StopBurstWindow < TimeSpan.FromSeconds(1) || PendingEnrolmentLifetime < TimeSpan.FromSeconds(30))
        {
            yield return $"{SectionName}: AddressWindow and StopBurstWindow must be at least a second, PendingEnrolmentLifetime at least 30 seconds.";
        }

        if (StopBurstThreshold < 1)
        {
            yield return $"{SectionName}:StopBurstThreshold must be at least 1.";
        }

        if (string.IsNullOrWhiteSpace(OtpIssuer) || OtpIssuer.Contains(':', StringComparison.Ordinal))
        {
            yield return $"{SectionName}:OtpIssuer must be a name without ':'.";
        }
    }
}
