using System.Text;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.Dashboard;
using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Operations.ServiceHours;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Domain.Time;

namespace BankLink.Server.Apis.Admin;

// The admin API's answers (openapi/banklink-admin.v1.json, one schema per record). Names are the contract's: enums are
// snake_case strings (AdminModels.Name), never numbers, so a new enum member cannot silently change an answer's meaning.
#pragma warning disable SA1649, CA1819

public sealed record AdminCustomerSummary(Guid Id, string LoginId, string CustomerNumber, string DisplayName, string DisplayNameKana, string Status);

public sealed record AdminCustomerList(IReadOnlyList<AdminCustomerSummary> Customers);

public sealed record AdminAccount(
    Guid Id, bool KnownToCore, string? Kind, string ProductName, string BranchCode, string BranchName, string BranchNameEn, string MaskedNumber,
    string? Status, string? NotLinkableReason, bool IsRegistered);

public sealed record AdminRegistration(string State, Guid? Id, string? TermsVersion, DateTimeOffset? AcceptedAt, DateTimeOffset? ExpiresAt, IReadOnlyList<AdminAccount> Accounts);

public sealed record AdminLink(
    Guid GrantId, Guid ProviderId, string ProviderName, string ProviderNameJa, string ClientId, string ClientName, IReadOnlyList<AdminAccount> Accounts,
    IReadOnlyList<string> Functions, DateTimeOffset GrantedAt, DateTimeOffset ExpiresAt, DateTimeOffset? LastUsedAt, string? Ending, DateTimeOffset? EndedAt,
    string? EndReason);

public sealed record AdminOtpToken(Guid Id, string SerialNumber, string Kind, string Status, DateTimeOffset? RegisteredAt, DateTimeOffset? LastUsedAt);

public sealed record AdminCustomerEvent(
    long Id, string EventType, DateTimeOffset OccurredAt, string ActorKind, string? ActorId, Guid? ProviderId, string? ProviderName, string? ProviderNameJa,
    string? ClientId, Guid? GrantId, Guid? AccountId, JsonObject? Detail);

public sealed record AdminCustomer(
    AdminCustomerSummary Customer, DateTimeOffset CreatedAt, bool IsSynthetic, DateTimeOffset? StoppedAt, int ConsecutiveFailures,
    AdminRegistration Registration, bool CoreAvailable, IReadOnlyList<AdminAccount> Accounts, IReadOnlyList<AdminLink> ActiveLinks,
    IReadOnlyList<AdminLink> EndedLinks, IReadOnlyList<AdminOtpToken> OtpTokens, IReadOnlyList<AdminCustomerEvent> RecentEvents, DateTimeOffset AsOf);

/// <summary>revoke_link, remove_link_account, revoke_all_links: the links ended and the links left with fewer accounts.</summary>
public sealed record AdminLinkResult(string Action, IReadOnlyList<Guid> LinksRevoked, IReadOnlyList<Guid> LinksReduced);

public sealed record AdminLiftStopResult(string Action);

public sealed record AdminOtpDeregistrationResult(string Action, string SerialNumber, string WasStatus, bool CustomerCannotLogIn);

public sealed record AdminAccountStateResult(string Action, Guid AccountId, string NewStatus, bool CoreUpdated, IReadOnlyList<Guid> LinksChanged, IReadOnlyList<Guid> LinksEnded);

public sealed record AdminProviderSummary(Guid Id, string Name, string NameJa, string Status, bool IsSandbox, int ClientCount, int ActiveLinkCount, DateTimeOffset CreatedAt);

public sealed record AdminProviderList(IReadOnlyList<AdminProviderSummary> Providers);

public sealed record AdminProviderClient(string ClientId, string Name, string Status, string Profile, string RegisteredWith, DateTimeOffset RegisteredAt, DateTimeOffset? LastTokenIssuedAt);

public sealed record AdminChainedRecipient(Guid Id, string Name, string NameJa, string Purpose, string PurposeJa, DateTimeOffset CreatedAt);

public sealed record AdminTrafficHour(DateTimeOffset Start, long Requests, long Refusals, IReadOnlyDictionary<string, long> RefusalsByReason, double? ErrorRate);

public sealed record AdminOnboardingToken(
    string Id, Guid ProviderId, string PersonName, string State, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? RenewedFrom, string? RenewedTo,
    int UseCount, DateTimeOffset? LastUsedAt, string IssuedBy);

public sealed record AdminOnboardingTokenList(IReadOnlyList<AdminOnboardingToken> OnboardingTokens);

public sealed record AdminProvider(
    Guid Id, string Name, string NameJa, string Description, string DescriptionJa, string? Website, string Status, bool IsSandbox, DateTimeOffset CreatedAt,
    IReadOnlyList<AdminProviderClient> Clients, IReadOnlyList<AdminChainedRecipient> ChainedRecipients, int ActiveLinkCount, double? ErrorRate24h,
    IReadOnlyList<AdminTrafficHour> Traffic, IReadOnlyList<AdminOnboardingToken> OnboardingTokens);

public sealed record AdminSuspensionResult(
    string Action, Guid ProviderId, IReadOnlyList<string> ClientsSuspended, int AccessTokensRevoked, int AuthorizationCodesRevoked, int RefreshTokensRevoked,
    int PushedRequestsRemoved);

public sealed record AdminReinstatementResult(string Action, IReadOnlyList<string> ClientsReinstated);

/// <summary>edit_chained_recipients: the recipient added or changed; null when removed.</summary>
public sealed record AdminChainedRecipientResult(string Action, AdminChainedRecipient? Recipient);

/// <summary>onboarding_token_issue and onboarding_token_renew: <see cref="Token"/> is the secret, in this answer only.</summary>
public sealed record AdminIssuedOnboardingTokenResult(string Action, string Token, AdminOnboardingToken OnboardingToken);

public sealed record AdminOnboardingTokenResult(string Action, AdminOnboardingToken OnboardingToken);

public sealed record AdminMaintenanceWindow(DateTimeOffset Start, DateTimeOffset End, string Reason);

public sealed record AdminServiceHoursDocument(
    string Monday, string Tuesday, string Wednesday, string Thursday, string Friday, string Saturday, string Sunday, string OutsideHours,
    IReadOnlyList<AdminMaintenanceWindow> Maintenance);

public sealed record AdminServiceState(bool IsOpen, string? Reason, DateTimeOffset? NextOpening, AdminMaintenanceWindow? Window);

public sealed record AdminServiceClosure(DateTimeOffset Start, DateTimeOffset? End, string Reason, string? WindowReason, bool InProgress, string Description);

public sealed record AdminServiceHours(
    long Version, string Origin, AdminServiceHoursDocument Document, DateTimeOffset? UpdatedAt, string? UpdatedBy, AdminServiceState StateNow,
    AdminServiceClosure? NextClosure, IReadOnlyList<AdminMaintenanceWindow> UpcomingMaintenance);

public sealed record AdminServiceHoursResult(string Action, AdminServiceHours ServiceHours);

public sealed record AdminAuditEvent(
    long Id, string EventType, DateTimeOffset OccurredAt, string ActorKind, string? ActorId, Guid? CustomerId, string? CustomerLoginId, Guid? ProviderId,
    string? ProviderName, string? ProviderNameJa, string? ClientId, Guid? GrantId, Guid? AccountId, JsonObject? Detail);

public sealed record AdminAuditEventPage(IReadOnlyList<AdminAuditEvent> Events, long? NextBefore);

public sealed record AdminAuditBreak(int Chain, long? EventId, long Seq, string Reason);

public sealed record AdminAuditVerification(bool Intact, int ChainsChecked, long EventsChecked, IReadOnlyList<AdminAuditBreak> Breaks, DateTimeOffset CheckedAt);

public sealed record AdminDashboardBucket(
    DateTimeOffset Start, DateTimeOffset End, DateOnly? JapanDate, bool IsCurrent, long TokensIssued, long ActiveLinks, long Requests,
    IReadOnlyDictionary<string, long> Refusals, long RefusalsTotal, long Lockouts);

public sealed record AdminDashboard(string Granularity, DateTimeOffset AsOf, IReadOnlyList<AdminDashboardBucket> Buckets);

/// <summary>A four-eyes request; <see cref="ExecutedAt"/> and <see cref="ExecutionOutcome"/> say whether the approved action ran.</summary>
public sealed record AdminApproval(
    Guid Id, string Action, string RequiredRole, string Target, Guid? CustomerId, Guid? ProviderId, JsonObject Payload, string Reason, string RequestedBy,
    DateTimeOffset RequestedAt, DateTimeOffset ExpiresAt, string Status, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason,
    DateTimeOffset? ExecutedAt, string? ExecutedBy, string? ExecutionOutcome);

public sealed record AdminApprovalList(IReadOnlyList<AdminApproval> Approvals);

/// <summary>An approval and what executing the approved action did (the action's own result object).</summary>
public sealed record AdminApprovalExecution(AdminApproval Approval, object Result);

public sealed record AdminOperator(
    Guid Id, string LoginId, string DisplayName, string Role, string Status, int ConsecutiveFailures, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? LastLoginAt, DateTimeOffset PasswordChangedAt, DateTimeOffset? StatusChangedAt);

public sealed record AdminOperatorList(IReadOnlyList<AdminOperator> Operators);

/// <summary>A new or reset operator's secrets, in this answer only: the admin hands them over.</summary>
public sealed record AdminOperatorCredentials(AdminOperator Operator, string Password, string TotpSecret, string OtpAuthUri);

public sealed record AdminApiKey(
    Guid Id, Guid OperatorId, string OperatorLoginId, string Name, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);

public sealed record AdminApiKeyList(IReadOnlyList<AdminApiKey> ApiKeys);

/// <summary>A new API key: <see cref="Key"/> in this answer only; BankLink keeps its hash.</summary>
public sealed record AdminIssuedApiKey(Guid Id, Guid OperatorId, string OperatorLoginId, string Name, DateTimeOffset ExpiresAt, string Key);

#pragma warning restore SA1649, CA1819

/// <summary>Maps the operations' records to the admin API's answers.</summary>
public static class AdminModels
{
    /// <summary>An enum member as the contract names it: <c>CardLoan</c> → <c>card_loan</c>.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum
    {
        var text = value.ToString();
        var name = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsUpper(text[i]) && i > 0)
            {
                name.Append('_');
            }

            name.Append(char.ToLowerInvariant(text[i]));
        }

        return name.ToString();
    }

    private static string? NameOrNull<T>(T? value)
        where T : struct, Enum => value is { } v ? Name(v) : null;

    public static AdminCustomerSummary Customer(CustomerSummary c) =>
        new(c.Id, c.LoginId, c.CustomerNumber, c.DisplayName, c.DisplayNameKana, Name(c.Status));

    public static AdminAccount Account(OverviewAccount a) => new(
        a.Id, a.KnownToCore, NameOrNull(a.Kind), a.ProductName, a.BranchCode, a.BranchName, a.BranchNameEn, a.MaskedNumber, NameOrNull(a.Status),
        NameOrNull(a.NotLinkableReason), a.IsRegistered);

    public static AdminLink Link(OverviewLink l) => new(
        l.GrantId, l.ProviderId, l.ProviderName, l.ProviderNameJa, l.ClientId, l.ClientName, [.. l.Accounts.Select(Account)], [.. l.Functions.Select(f => Name(f))],
        l.GrantedAt, l.ExpiresAt, l.LastUsedAt, NameOrNull(l.Ending), l.EndedAt, l.EndReason);

    public static AdminCustomer Customer(CustomerOverview o) => new(
        Customer(o.Customer), o.CreatedAt, o.IsSynthetic, o.StoppedAt, o.ConsecutiveFailures,
        new AdminRegistration(Name(o.Registration.State), o.Registration.Id, o.Registration.TermsVersion, o.Registration.AcceptedAt, o.Registration.ExpiresAt,
            [.. o.Registration.Accounts.Select(Account)]),
        o.CoreAvailable, [.. o.Accounts.Select(Account)], [.. o.ActiveLinks.Select(Link)], [.. o.EndedLinks.Select(Link)],
        [.. o.OtpDevices.Select(d => new AdminOtpToken(d.Id, d.SerialNumber, Name(d.Kind), Name(d.Status), d.RegisteredAt, d.LastUsedAt))],
        [.. o.RecentEvents.Select(CustomerEvent)], o.AsOf);

    private static AdminCustomerEvent CustomerEvent(AuditEntry e) => new(
        e.Id, e.EventType, e.OccurredAt, e.ActorKind, e.ActorId, e.ProviderId, e.ProviderName, e.ProviderNameJa, e.ClientId, e.GrantId, e.AccountId, e.Detail);

    /// <summary>The answer for an executed action, whichever it was.</summary>
    public static object ActionResult(object result) => result switch
    {
        CustomerActionOutcome c => CustomerResult(c),
        ProviderActionOutcome p => ProviderResult(p),
        _ => throw new InvalidOperationException($"No admin API answer for {result.GetType().Name}."),
    };

    public static object CustomerResult(CustomerActionOutcome outcome) => outcome switch
    {
        { Links: { } links } => new AdminLinkResult(outcome.Action, links.LinksRevoked, links.LinksReduced),
        { OtpToken: { } otp } => new AdminOtpDeregistrationResult(outcome.Action, otp.SerialNumber, otp.WasStatus, otp.CustomerCannotLogIn),
        { Account: { } account } => new AdminAccountStateResult(outcome.Action, account.AccountId, Name(account.NewStatus), account.CoreUpdated,
            account.LinksChanged, account.LinksEnded),
        _ => new AdminLiftStopResult(outcome.Action),
    };

    public static object ProviderResult(ProviderActionOutcome outcome) => outcome switch
    {
        { Suspension: { } s } => new AdminSuspensionResult(outcome.Action, s.ProviderId, s.ClientsSuspended, s.AccessTokensRevoked, s.AuthorizationCodesRevoked,
            s.RefreshTokensRevoked, s.PushedRequestsRemoved),
        { ReinstatedClients: { } clients } => new AdminReinstatementResult(outcome.Action, clients),
        { IssuedToken: { } issued } => new AdminIssuedOnboardingTokenResult(outcome.Action, issued.Value, OnboardingToken(issued.View)),
        { Token: { } token } => new AdminOnboardingTokenResult(outcome.Action, OnboardingToken(token)),
        { ServiceHours: { } hours } => new AdminServiceHoursResult(outcome.Action, ServiceHours(hours)),
        _ => new AdminChainedRecipientResult(outcome.Action, outcome.Recipient is { } r ? Recipient(r) : null),
    };

    public static AdminProviderSummary Provider(ProviderSummary p) =>
        new(p.Id, p.Name, p.NameJa, Name(p.Status), p.IsSandbox, p.ClientCount, p.ActiveLinkCount, p.CreatedAt);

    public static AdminProvider Provider(ProviderDetails p) => new(
        p.Id, p.Name, p.NameJa, p.Description, p.DescriptionJa, p.Website, Name(p.Status), p.IsSandbox, p.CreatedAt,
        [.. p.Clients.Select(c => new AdminProviderClient(c.ClientId, c.Name, Name(c.Status), c.Profile, c.RegisteredWith, c.RegisteredAt, c.LastTokenIssuedAt))],
        [.. p.ChainedRecipients.Select(Recipient)], p.ActiveLinkCount, p.ErrorRate24h,
        [.. p.Traffic.Select(t => new AdminTrafficHour(t.Start, t.Requests, t.Refusals, Refusals(t.RefusalsByReason), t.ErrorRate))],
        [.. p.OnboardingTokens.Select(OnboardingToken)]);

    public static AdminChainedRecipient Recipient(ProviderRecipient r) => new(r.Id, r.Name, r.NameJa, r.Purpose, r.PurposeJa, r.CreatedAt);

    public static AdminOnboardingToken OnboardingToken(OnboardingTokenView t) => new(
        t.Id, t.ProviderId, t.PersonName, Name(t.State), t.CreatedAt, t.ExpiresAt, t.RenewedFrom, t.RenewedTo, t.UseCount, t.LastUsedAt, t.IssuedBy);

    /// <summary>Every reason, counted or not, so a chart's series never goes missing.</summary>
    private static Dictionary<string, long> Refusals(IReadOnlyDictionary<RefusalReason, long> counts) =>
        Enum.GetValues<RefusalReason>().ToDictionary(r => Name(r), r => counts.GetValueOrDefault(r));

    public static AdminServiceHoursDocument Document(ServiceHoursDocument d) => new(
        d.Weekly[DayOfWeek.Monday], d.Weekly[DayOfWeek.Tuesday], d.Weekly[DayOfWeek.Wednesday], d.Weekly[DayOfWeek.Thursday], d.Weekly[DayOfWeek.Friday],
        d.Weekly[DayOfWeek.Saturday], d.Weekly[DayOfWeek.Sunday], Name(d.OutsideHours), [.. d.Maintenance.Select(Window)]);

    private static AdminMaintenanceWindow Window(MaintenanceWindow w) => new(w.Start, w.End, w.Reason);

    public static AdminServiceHours ServiceHours(ServiceHoursView v) => new(
        v.Version, Name(v.Origin), Document(v.Document), v.UpdatedAt, v.UpdatedBy,
        new AdminServiceState(v.StateNow.IsOpen, NameOrNull(v.StateNow.Reason), v.StateNow.NextOpening, v.StateNow.Window is { } w ? Window(w) : null),
        v.NextClosure is { } c ? new AdminServiceClosure(c.Start, c.End, Name(c.Reason), c.WindowReason, c.InProgress, ServiceHoursOperations.Describe(c)) : null,
        [.. v.UpcomingMaintenance.Select(Window)]);

    public static AdminAuditEvent AuditEvent(AuditRecord r) => new(
        r.Id, r.EventType, r.OccurredAt, r.ActorKind, r.ActorId, r.CustomerId, r.CustomerLoginId, r.ProviderId, r.ProviderName, r.ProviderNameJa, r.ClientId,
        r.GrantId, r.AccountId, r.Detail);

    public static AdminAuditVerification Verification(AuditIntegrityReport r) =>
        new(r.IsIntact, r.ChainsChecked, r.EventsChecked, [.. r.Breaks.Select(b => new AdminAuditBreak(b.Chain, b.EventId, b.Seq, b.Reason))], r.CheckedAt);

    public static AdminDashboard Dashboard(DashboardSeries s) => new(Name(s.Granularity), s.AsOf,
        [.. s.Buckets.Select(b => new AdminDashboardBucket(b.Start, b.End, b.JapanDate, b.IsCurrent, b.TokensIssued, b.ActiveLinks, b.Requests,
            Refusals(b.Refusals), b.RefusalsTotal, b.Lockouts))]);

    public static AdminApproval Approval(PendingOperatorAction p, OperatorActionExecution? execution) => new(
        p.Id, p.Action, p.RequiredRole.ToName(), p.Target, p.CustomerId, p.ProviderId, p.Payload, p.Reason, p.RequestedBy, p.RequestedAt, p.ExpiresAt,
        Name(p.Status), p.DecidedBy, p.DecidedAt, p.DecisionReason, execution?.ExecutedAt, execution?.ExecutedBy, execution?.Outcome);

    public static AdminOperator Operator(OperatorSummary o) => new(
        o.Id, o.LoginId, o.DisplayName, o.Role.ToName(), o.Status.ToName(), o.ConsecutiveFailures, o.CreatedAt, o.CreatedBy, o.LastLoginAt, o.PasswordChangedAt,
        o.StatusChangedAt);

    public static AdminOperatorCredentials Credentials(OperatorCredentials c) => new(Operator(c.Operator), c.Password, c.TotpSecretBase32, c.OtpAuthUri);

    public static AdminApiKey ApiKey(OperatorApiKeySummary k) =>
        new(k.Id, k.OperatorId, k.OperatorLoginId, k.Name, k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.RevokedAt, k.LastUsedAt);
}
