using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Data.Otp;
using BankLink.Domain.Accounts;
using BankLink.Domain.Customers;

namespace BankLink.Data.Operations.Customers;

/// <summary>What the operator searches by.</summary>
public enum CustomerSearchBy
{
    /// <summary>The login ID, exactly but regardless of case.</summary>
    LoginId,

    /// <summary>The customer number (顧客番号), exactly.</summary>
    CustomerNumber,

    /// <summary>An account number: branch code and number (<c>001-0123456</c>, <c>001 0123456</c>, <c>0010123456</c>) or the number alone, exactly.</summary>
    AccountNumber,
}

/// <summary>One customer in a search result.</summary>
public sealed record CustomerSummary(Guid Id, string LoginId, string CustomerNumber, string DisplayName, string DisplayNameKana, CustomerStatus Status);

/// <summary>Where the customer's registration for linking (利用登録) stands.</summary>
public enum RegistrationState
{
    /// <summary>The customer never registered.</summary>
    None,

    Valid,

    /// <summary>The last registration ran out: no provider can be allowed until the customer registers again.</summary>
    Expired,

    /// <summary>The last registration was ended by the bank.</summary>
    Revoked,
}

/// <summary>The customer's latest registration for linking; the fields other than <see cref="State"/> are null when there is none.</summary>
public sealed record RegistrationOverview(
    RegistrationState State, Guid? Id, string? TermsVersion, DateTimeOffset? AcceptedAt, DateTimeOffset? ExpiresAt, IReadOnlyList<OverviewAccount> Accounts);

/// <summary>
/// One of the customer's accounts as an operator sees it: the number masked (<see cref="AccountNumbers.Mask"/>).
/// When the core does not know the account (or could not be asked), <see cref="KnownToCore"/> is false and only
/// <see cref="Id"/> is set.
/// </summary>
public sealed record OverviewAccount(
    Guid Id,
    bool KnownToCore,
    AccountKind? Kind,
    string ProductName,
    string BranchCode,
    string BranchName,
    string BranchNameEn,
    string MaskedNumber,
    AccountStatus? Status,
    NotLinkableReason? NotLinkableReason,
    bool IsRegistered)
{
    public static OverviewAccount Unknown(Guid id, bool isRegistered) => new(id, false, null, "", "", "", "", "***", null, null, isRegistered);
}

/// <summary>How a link ended.</summary>
public enum LinkEnding
{
    /// <summary>Ended by someone or something: see <see cref="OverviewLink.EndReason"/> (customer, operator, provider, account closed, no account left).</summary>
    Revoked,

    /// <summary>The permission ran out (DOMAIN.md: default 90 days).</summary>
    Expired,
}

/// <summary>A link (grant) of the customer's: active when <see cref="Ending"/> is null, else ended at <see cref="EndedAt"/>.</summary>
public sealed record OverviewLink(
    Guid GrantId,
    Guid ProviderId,
    string ProviderName,
    string ProviderNameJa,
    string ClientId,
    string ClientName,
    IReadOnlyList<OverviewAccount> Accounts,
    IReadOnlyList<LinkFunction> Functions,
    DateTimeOffset GrantedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastUsedAt,
    LinkEnding? Ending = null,
    DateTimeOffset? EndedAt = null,
    string? EndReason = null);

/// <summary>
/// Everything the console shows about one customer (issue 6 "Find a customer"): identity, lock state, registration,
/// accounts, links (active and ended in the last <see cref="CustomerDirectory.EndedLinksWindow"/>), OTP tokens (never
/// a seed) and recent security events. <see cref="CoreAvailable"/> is false when the core could not be asked for the
/// accounts: links then show account ids only.
/// </summary>
public sealed record CustomerOverview(
    CustomerSummary Customer,
    DateTimeOffset CreatedAt,
    bool IsSynthetic,
    DateTimeOffset? StoppedAt,
    int ConsecutiveFailures,
    RegistrationOverview Registration,
    bool CoreAvailable,
    IReadOnlyList<OverviewAccount> Accounts,
    IReadOnlyList<OverviewLink> ActiveLinks,
    IReadOnlyList<OverviewLink> EndedLinks,
    IReadOnlyList<OtpDeviceSummary> OtpDevices,
    IReadOnlyList<AuditEntry> RecentEvents,
    DateTimeOffset AsOf);
