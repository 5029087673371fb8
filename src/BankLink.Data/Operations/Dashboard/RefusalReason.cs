namespace BankLink.Data.Operations.Dashboard;

/// <summary>
/// Why a provider's request was refused, as the dashboard counts it (DOMAIN.md "Tokens expire: make it painless":
/// operators see expiry and refusal counts over time). Stored snake_case in <c>refusal_counts.reason</c>.
/// </summary>
public enum RefusalReason
{
    /// <summary>The access or refresh token had expired.</summary>
    Expired,

    /// <summary>The token was revoked (by the provider, an operator, a suspension, a refresh-token reuse).</summary>
    Revoked,

    /// <summary>The DPoP proof was missing, invalid or made with another key than the token is bound to (RFC 9449).</summary>
    WrongSender,

    /// <summary>The permission behind the token ended or expired, or the customer's registration did.</summary>
    ConsentEnded,

    /// <summary>Anything else (unknown token, insufficient scope, malformed request).</summary>
    Other,
}
