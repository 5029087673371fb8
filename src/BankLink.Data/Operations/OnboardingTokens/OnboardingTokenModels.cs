using BankLink.Domain.Providers;

namespace BankLink.Data.Operations.OnboardingTokens;

/// <summary>
/// Where an onboarding token stands, as operators see it. The first that applies: revoked, renewed (replaced by a new
/// token), expired (60 days over), used (valid, and already registered a client: it may register more until it
/// expires, DOMAIN.md "There is no limit"), valid (never used yet).
/// </summary>
public enum OnboardingTokenState
{
    Valid,
    Used,
    Expired,
    Revoked,
    Renewed,
}

/// <summary>One onboarding token as operators see it: never the secret, which only its holder has.</summary>
/// <param name="Id">The 8 characters before '@': how operators and logs name a token.</param>
/// <param name="RenewedTo">The token that replaced it, when renewed.</param>
/// <param name="UseCount">Clients registered with it.</param>
public sealed record OnboardingTokenView(
    string Id,
    Guid ProviderId,
    string PersonName,
    OnboardingTokenState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? RenewedFrom,
    string? RenewedTo,
    int UseCount,
    DateTimeOffset? LastUsedAt,
    string IssuedBy);

/// <summary>A token just issued or renewed: <see cref="Token"/> holds the secret, shown once to the operator and never stored.</summary>
public sealed record IssuedOnboardingTokenSecret(OnboardingToken Token, OnboardingTokenView View)
{
    /// <summary>What the operator hands to the provider's person: <c>8 characters@16 characters</c>.</summary>
    public string Value => Token.Value;

    public override string ToString() => $"{nameof(IssuedOnboardingTokenSecret)} {{ Token = {Token}, View = {View} }}";
}
