namespace BankLink.Domain.Providers;

/// <summary>Whether a provider may be linked to and its tokens used.</summary>
public enum ProviderStatus
{
    Active,

    /// <summary>Suspended by an operator: every token of the provider stops at once.</summary>
    Suspended,
}

/// <summary>A fintech provider (API連携事業者).</summary>
public sealed class Provider
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string NameJa { get; set; }

    public required string Description { get; set; }

    public required string DescriptionJa { get; set; }

    public string? Website { get; set; }

    public ProviderStatus Status { get; set; }

    public bool IsSandbox { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<ChainedRecipient> ChainedRecipients { get; } = [];
}

/// <summary>A third party the provider passes data on to (連鎖接続先), named on the consent screen.</summary>
public sealed class ChainedRecipient
{
    public Guid Id { get; set; }

    public Guid ProviderId { get; set; }

    public required string Name { get; set; }

    public required string NameJa { get; set; }

    public required string Purpose { get; set; }

    public required string PurposeJa { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
