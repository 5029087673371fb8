using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Domain.Providers;

namespace BankLink.Data.Operations.Providers;

/// <summary>One provider in the operators' list.</summary>
/// <param name="ClientCount">Clients registered and not deleted (active or suspended with the provider).</param>
/// <param name="ActiveLinkCount">Grants active and unexpired now.</param>
public sealed record ProviderSummary(
    Guid Id,
    string Name,
    string NameJa,
    ProviderStatus Status,
    bool IsSandbox,
    int ClientCount,
    int ActiveLinkCount,
    DateTimeOffset CreatedAt);

/// <summary>Where a provider's OAuth client stands: suspended with its provider, or deleted by the provider (RFC 7592).</summary>
public enum ProviderClientStatus
{
    Active,
    Suspended,
    Deleted,
}

/// <summary>One OAuth client of a provider.</summary>
/// <param name="Name">The registered <c>client_name</c>, or the client id when it gave none.</param>
/// <param name="LastTokenIssuedAt">The last access token issued to it; null when none in the last 90 days.</param>
public sealed record ProviderClient(
    string ClientId,
    string Name,
    ProviderClientStatus Status,
    string Profile,
    string RegisteredWith,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? LastTokenIssuedAt);

/// <summary>A chained recipient (連鎖接続先) as operators see and edit it.</summary>
public sealed record ProviderRecipient(Guid Id, string Name, string NameJa, string Purpose, string PurposeJa, DateTimeOffset CreatedAt);

/// <summary>What an operator types for a chained recipient: English and Japanese names and purposes.</summary>
public sealed record ChainedRecipientInput(string? Name, string? NameJa, string? Purpose, string? PurposeJa);

/// <summary>One hour of a provider's traffic on the resource API (all its clients): requests, and refusals by reason.</summary>
/// <param name="Start">The hour's start (UTC instant; Japan hours start at the same instants).</param>
public sealed record ProviderHourlyTraffic(DateTimeOffset Start, long Requests, long Refusals, IReadOnlyDictionary<Dashboard.RefusalReason, long> RefusalsByReason)
{
    /// <summary>Refusals divided by requests; null when there were no requests (refusals may still be counted).</summary>
    public double? ErrorRate => Requests == 0 ? null : (double)Refusals / Requests;
}

/// <summary>Everything the console's provider page shows.</summary>
/// <param name="Traffic">The last 24 hours, oldest first, the current (partial) hour last.</param>
public sealed record ProviderDetails(
    Guid Id,
    string Name,
    string NameJa,
    string Description,
    string DescriptionJa,
    string? Website,
    ProviderStatus Status,
    bool IsSandbox,
    DateTimeOffset CreatedAt,
    IReadOnlyList<ProviderClient> Clients,
    IReadOnlyList<ProviderRecipient> ChainedRecipients,
    int ActiveLinkCount,
    IReadOnlyList<ProviderHourlyTraffic> Traffic,
    IReadOnlyList<OnboardingTokenView> OnboardingTokens)
{
    /// <summary>Refusals over requests of the whole 24 hours; null without requests.</summary>
    public double? ErrorRate24h
    {
        get
        {
            var requests = Traffic.Sum(t => t.Requests);
            return requests == 0 ? null : (double)Traffic.Sum(t => t.Refusals) / requests;
        }
    }
}

/// <summary>What a suspension did, all in its one transaction.</summary>
/// <param name="ClientsSuspended">The provider's clients now refused by every endpoint that authenticates a client.</param>
/// <param name="AccessTokensRevoked">Live access tokens (customers' and client_credentials) revoked.</param>
/// <param name="AuthorizationCodesRevoked">Unredeemed authorization codes revoked.</param>
/// <param name="RefreshTokensRevoked">Refresh tokens revoked: 0 unless asked for (they are kept, and refused while suspended).</param>
/// <param name="PushedRequestsRemoved">Authorization requests pushed and not yet used: removed, so no consent can complete.</param>
public sealed record ProviderSuspension(
    Guid ProviderId,
    IReadOnlyList<string> ClientsSuspended,
    int AccessTokensRevoked,
    int AuthorizationCodesRevoked,
    int RefreshTokensRevoked,
    int PushedRequestsRemoved);
