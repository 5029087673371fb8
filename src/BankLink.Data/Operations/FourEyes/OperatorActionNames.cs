using BankLink.Domain.Operators;

namespace BankLink.Data.Operations.FourEyes;

/// <summary>
/// The name of every mutating operator action of issue 6, as the four-eyes policy (<c>BankLink:Operators:FourEyes</c>),
/// the queue and the audit trail write it, and the least role each one needs. An action not listed here cannot be
/// configured for four-eyes or requested, so a new mutating action adds its name here first.
/// </summary>
public static class OperatorActionNames
{
    // Customers (role operator).
    public const string RevokeLink = "revoke_link";
    public const string RemoveLinkAccount = "remove_link_account";
    public const string RevokeAllLinks = "revoke_all_links";
    public const string LiftStop = "lift_stop";
    public const string DeregisterOtpToken = "deregister_otp_token";
    public const string RecordAccountClosure = "record_account_closure";

    // Providers, onboarding, service hours and operators (role admin).
    public const string ProviderSuspend = "provider_suspend";
    public const string ProviderReinstate = "provider_reinstate";
    public const string EditChainedRecipients = "edit_chained_recipients";
    public const string OnboardingTokenIssue = "onboarding_token_issue";
    public const string OnboardingTokenRenew = "onboarding_token_renew";
    public const string OnboardingTokenRevoke = "onboarding_token_revoke";
    public const string ServiceHoursEdit = "service_hours_edit";
    public const string OperatorAdd = "operator_add";
    public const string OperatorChangeRole = "operator_change_role";
    public const string OperatorDisable = "operator_disable";
    public const string OperatorEnable = "operator_enable";

    private static readonly Dictionary<string, OperatorRole> Roles = new(StringComparer.Ordinal)
    {
        [RevokeLink] = OperatorRole.Operator,
        [RemoveLinkAccount] = OperatorRole.Operator,
        [RevokeAllLinks] = OperatorRole.Operator,
        [LiftStop] = OperatorRole.Operator,
        [DeregisterOtpToken] = OperatorRole.Operator,
        [RecordAccountClosure] = OperatorRole.Operator,
        [ProviderSuspend] = OperatorRole.Admin,
        [ProviderReinstate] = OperatorRole.Admin,
        [EditChainedRecipients] = OperatorRole.Admin,
        [OnboardingTokenIssue] = OperatorRole.Admin,
        [OnboardingTokenRenew] = OperatorRole.Admin,
        [OnboardingTokenRevoke] = OperatorRole.Admin,
        [ServiceHoursEdit] = OperatorRole.Admin,
        [OperatorAdd] = OperatorRole.Admin,
        [OperatorChangeRole] = OperatorRole.Admin,
        [OperatorDisable] = OperatorRole.Admin,
        [OperatorEnable] = OperatorRole.Admin,
    };

    /// <summary>Every name, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Roles.Keys];

    public static bool IsKnown(string? action) => action is not null && Roles.ContainsKey(action);

    /// <summary>The least role that may do, request, approve or reject <paramref name="action"/>.</summary>
    public static OperatorRole RequiredRole(string action) => Roles.TryGetValue(action, out var role)
        ? role
        : throw new ArgumentOutOfRangeException(nameof(action), action, "Not an operator action name.");
}
