using System.Globalization;
using System.Security.Claims;
using BankLink.Data.Operations;
using BankLink.Domain.Operators;

namespace BankLink.Server.Operators;

/// <summary>The claims an operator's principal carries, from the console cookie or an admin API key.</summary>
internal static class OperatorClaims
{
    public const string OperatorId = "bl:operator_id";
    public const string LoginId = "bl:operator_login_id";
    public const string Role = "bl:operator_role";
    public const string DisplayName = "bl:operator_name";
    public const string AuthTime = "bl:auth_time";

    /// <summary>
    /// The operator's password_changed_at when the session began (or when this session changed the password): a
    /// credential reset, or a password change in another session, ends the session.
    /// </summary>
    public const string CredentialStamp = "bl:credential_stamp";

    /// <summary>
    /// Present ("true") while the operator still has a generated password: the console opens only the password page
    /// (<see cref="ConsolePasswordGate"/>). Set from the database on every request, never trusted from the cookie.
    /// </summary>
    public const string MustChangePassword = "bl:must_change_password";

    public const string ApiKeyId = "bl:api_key_id";

    /// <summary>
    /// The operator in <paramref name="principal"/>, or null. Only identities made by BankLink's two operator schemes
    /// count: a customer's cookie (the default scheme) never passes for an operator.
    /// </summary>
    public static OperatorActor? Read(ClaimsPrincipal? principal)
    {
        var identity = principal?.Identities.FirstOrDefault(i => i.IsAuthenticated
            && i.AuthenticationType is OperatorAuthentication.CookieScheme or OperatorAuthentication.ApiKeyScheme);
        if (identity is null
            || !Guid.TryParse(identity.FindFirst(OperatorId)?.Value, out var id)
            || identity.FindFirst(LoginId)?.Value is not { Length: > 0 } loginId
            || !OperatorRoles.TryParse(identity.FindFirst(Role)?.Value, out var role))
        {
            return null;
        }

        return new OperatorActor(id, loginId, role);
    }

    /// <summary>Whether <paramref name="principal"/> is a console session that must change its password first (never an API key's).</summary>
    public static bool MustChangePasswordIn(ClaimsPrincipal? principal) =>
        principal?.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == OperatorAuthentication.CookieScheme
            && i.HasClaim(MustChangePassword, "true")) == true;

    public static string Ticks(DateTimeOffset instant) => instant.UtcTicks.ToString(CultureInfo.InvariantCulture);
}
