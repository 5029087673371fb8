namespace BankLink.Data.Keys;

/// <summary>How the server's signing keys rotate.</summary>
public sealed class SigningKeyOptions
{
    public const string SectionName = "BankLink:SigningKeys";

    /// <summary>How long a key signs before its successor takes over.</summary>
    public TimeSpan RotationPeriod { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long a successor is published before it signs, so every verifier's cached JWKS already holds
    /// it when the first token signed with it arrives.
    /// </summary>
    public TimeSpan PrepublishPeriod { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a retired key stays published: longer than anything it signed stays verifiable.</summary>
    public TimeSpan RetentionAfterRetirement { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the background job checks whether a rotation is due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a node keeps the key ring in memory before reading it again.</summary>
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromMinutes(1);
}
