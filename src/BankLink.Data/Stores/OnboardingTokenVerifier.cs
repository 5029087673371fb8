using BankLink.Protocol.Stores;

namespace BankLink.Data.Stores;

/// <summary>The protocol engine's view of onboarding tokens: live or not, and who holds it.</summary>
public sealed class OnboardingTokenVerifier(OnboardingTokenStore store) : IOnboardingTokenVerifier
{
    public async Task<OnboardingGrantee?> FindUsableAsync(string? presented, CancellationToken cancellationToken) =>
        await store.FindUsableAsync(presented, cancellationToken) is { } token ? new OnboardingGrantee(token.Id, token.ProviderId) : null;

    public Task MarkUsedAsync(string tokenId, CancellationToken cancellationToken) => store.MarkUsedAsync(tokenId, cancellationToken);
}
