namespace BankLink.Data.Operators;

/// <summary>
/// The audit event types operator accounts write (snake_case, like <see cref="Audit.AuditEventTypes"/>). Operator events
/// concern no customer or provider, so they land on chain 0 of the trail.
/// </summary>
public static class OperatorAuditEvents
{
    public const string OperatorCreated = "operator_created";

    /// <summary>A complete console login: password and TOTP code.</summary>
    public const string OperatorLogin = "operator_login";

    /// <summary>A wrong password or code (the detail says which, for the bank; the page never does).</summary>
    public const string OperatorLoginFailed = "operator_login_failed";

    /// <summary>Locked after too many failures in a row; only an admin re-activates.</summary>
    public const string OperatorStopped = "operator_stopped";

    public const string OperatorDisabled = "operator_disabled";

    /// <summary>A stopped or disabled operator made active again by an admin.</summary>
    public const string OperatorReactivated = "operator_reactivated";

    public const string OperatorRoleChanged = "operator_role_changed";

    /// <summary>A new password and TOTP seed: every open console session of the operator ends.</summary>
    public const string OperatorCredentialsReset = "operator_credentials_reset";

    /// <summary>An operator chose their own password (never in the detail): their other console sessions end.</summary>
    public const string OperatorPasswordChanged = "operator_password_changed";

    /// <summary>A wrong current password when changing one's own: counts toward the lockout like a failed login.</summary>
    public const string OperatorPasswordChangeFailed = "operator_password_change_failed";

    public const string OperatorApiKeyIssued = "operator_api_key_issued";
    public const string OperatorApiKeyRevoked = "operator_api_key_revoked";
}
