namespace BankLink.Protocol.Tokens;

/// <summary>Token lifetimes (ARCHITECTURE.md: access tokens minutes long).</summary>
public sealed class TokenOptions
{
    public const string SectionName = "BankLink:Tokens";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
