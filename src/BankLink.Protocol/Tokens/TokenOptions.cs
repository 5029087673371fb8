namespace BankLink.Protocol.Tokens;

/// <summary>Token lifetimes (ARCHITECTURE.md: access tokens minutes long).</summary>
public sealed class TokenOptions
{
    public const string SectionName = "BankLink:Tokens";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// With rotation on: how long after a refresh token was replaced a client that never received the
    /// replacement may present it again (FAPI 2.0 §5.3.2.1, openiddict's RefreshTokenReuseLeeway).
    /// </summary>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.FromSeconds(30);
}
