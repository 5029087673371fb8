namespace BankLink.Protocol.Stores;

/// <summary>Who an onboarding token was issued to, when the token is live.</summary>
public sealed record OnboardingGrantee(string TokenId, Guid ProviderId);

/// <summary>Checks an onboarding token presented as the RFC 7591 §3 initial access token.</summary>
public interface IOnboardingTokenVerifier
{
    /// <summary>The grantee when the token is live; null, without saying why, otherwise.</summary>
    Task<OnboardingGrantee?> FindUsableAsync(string? presented, CancellationToken cancellationToken);

    Task MarkUsedAsync(string tokenId, CancellationToken cancellationToken);
}
