namespace BankLink.Protocol.Primitives;

/// <summary>
/// Every protocol name BankLink uses, as the RFCs spell it (STYLE.md 3: constants, never literals).
/// Brought into scope with <c>using static</c>.
/// </summary>
public static class ProtocolConstants
{
    /// <summary>Request and response parameters and metadata members.</summary>
    public static class Parameters
    {
        public const string ClientId = "client_id";
        public const string ClientSecret = "client_secret";
        public const string ClientAssertion = "client_assertion";
        public const string ClientAssertionType = "client_assertion_type";
        public const string ClientName = "client_name";
        public const string ClientUri = "client_uri";
        public const string LogoUri = "logo_uri";
        public const string PolicyUri = "policy_uri";
        public const string TosUri = "tos_uri";
        public const string Contacts = "contacts";
        public const string RedirectUris = "redirect_uris";
        public const string RedirectUri = "redirect_uri";
        public const string ResponseType = "response_type";
        public const string State = "state";
        public const string Nonce = "nonce";
        public const string CodeChallenge = "code_challenge";
        public const string CodeChallengeMethod = "code_challenge_method";
        public const string Prompt = "prompt";
        public const string MaxAge = "max_age";
        public const string LoginHint = "login_hint";
        public const string UiLocales = "ui_locales";
        public const string Request = "request";
        public const string RequestUri = "request_uri";
        public const string ExpiresIn = "expires_in";
        public const string DpopJkt = "dpop_jkt";
        public const string GrantId = "grant_id";
        public const string GrantType = "grant_type";
        public const string Code = "code";
        public const string CodeVerifier = "code_verifier";
        public const string RefreshToken = "refresh_token";
        public const string IdToken = "id_token";
        public const string AccessToken = "access_token";
        public const string TokenType = "token_type";
        public const string Token = "token";
        public const string TokenTypeHint = "token_type_hint";
        public const string Active = "active";
        public const string GrantManagementAction = "grant_management_action";
        public const string GrantTypes = "grant_types";
        public const string ResponseTypes = "response_types";
        public const string Scope = "scope";
        public const string Jwks = "jwks";
        public const string JwksUri = "jwks_uri";
        public const string SoftwareStatement = "software_statement";
        public const string TokenEndpointAuthMethod = "token_endpoint_auth_method";
        public const string TokenEndpointAuthSigningAlg = "token_endpoint_auth_signing_alg";
        public const string IdTokenSignedResponseAlg = "id_token_signed_response_alg";
        public const string DpopBoundAccessTokens = "dpop_bound_access_tokens";
        public const string ClientIdIssuedAt = "client_id_issued_at";
        public const string ClientSecretExpiresAt = "client_secret_expires_at";
        public const string RegistrationAccessToken = "registration_access_token";
        public const string RegistrationClientUri = "registration_client_uri";
        public const string Error = "error";
        public const string ErrorDescription = "error_description";
        public const string ErrorUri = "error_uri";

        /// <summary>BankLink's extension: "fapi2" (the default) or "non_fapi" (RS256 and client_secret_basic allowed).</summary>
        public const string BankLinkProfile = "banklink_profile";

        /// <summary>BankLink's extension: rotate refresh tokens on every use (default false, as FAPI 2.0 advises for confidential clients).</summary>
        public const string BankLinkRefreshTokenRotation = "banklink_refresh_token_rotation";
    }

    /// <summary>Error codes: RFC 6749 §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2, RFC 9449 §7.1, FAPI Grant Management §5.3.</summary>
    public static class Errors
    {
        public const string InvalidRequest = "invalid_request";
        public const string InvalidClient = "invalid_client";
        public const string InvalidGrant = "invalid_grant";
        public const string UnauthorizedClient = "unauthorized_client";
        public const string UnsupportedGrantType = "unsupported_grant_type";
        public const string InvalidScope = "invalid_scope";
        public const string InvalidToken = "invalid_token";
        public const string InsufficientScope = "insufficient_scope";
        public const string InvalidDpopProof = "invalid_dpop_proof";
        public const string UseDpopNonce = "use_dpop_nonce";
        public const string InvalidRedirectUri = "invalid_redirect_uri";
        public const string InvalidClientMetadata = "invalid_client_metadata";
        public const string InvalidSoftwareStatement = "invalid_software_statement";
        public const string ServerError = "server_error";

        /// <summary>FAPI Grant Management §5.3: the grant_id is unknown or invalid, or the customer who logged in does not hold it.</summary>
        public const string InvalidGrantId = "invalid_grant_id";
    }

    public static class GrantTypes
    {
        public const string AuthorizationCode = "authorization_code";
        public const string RefreshToken = "refresh_token";
        public const string ClientCredentials = "client_credentials";
    }

    public static class ResponseTypes
    {
        public const string Code = "code";
    }

    public static class ClientAuthenticationMethods
    {
        /// <summary>RFC 7523 §2.2: the client signs a JWT with its own key. The only method for FAPI 2.0 clients.</summary>
        public const string PrivateKeyJwt = "private_key_jwt";

        /// <summary>RFC 6749 §2.3.1: a shared secret over HTTP Basic. Only for clients registered as non-FAPI.</summary>
        public const string ClientSecretBasic = "client_secret_basic";
    }

    /// <summary>The scopes a provider may ask for: the two functions DOMAIN.md allows, plus OpenID Connect's.</summary>
    public static class Scopes
    {
        public const string OpenId = "openid";

        /// <summary>残高照会: balance inquiry.</summary>
        public const string Balance = "balance";

        /// <summary>入出金明細照会: transaction history.</summary>
        public const string Transactions = "transactions";

        /// <summary>Provider-level calls to the grant management API (client_credentials).</summary>
        public const string GrantManagementQuery = "grant_management_query";
        public const string GrantManagementRevoke = "grant_management_revoke";

        public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        {
            OpenId, Balance, Transactions, GrantManagementQuery, GrantManagementRevoke,
        };
    }

    /// <summary>RFC 7523 §2.2: the only client_assertion_type BankLink accepts.</summary>
    public static class ClientAssertionTypes
    {
        public const string JwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    }

    /// <summary>RFC 7636 §4.3: S256 is the only method BankLink accepts (FAPI 2.0 §5.3.2.2; plain is refused).</summary>
    public static class CodeChallengeMethods
    {
        public const string S256 = "S256";
    }

    /// <summary>OpenID Connect Core §3.1.2.1 prompt values BankLink honours.</summary>
    public static class Prompts
    {
        public const string None = "none";
        public const string Login = "login";
        public const string Consent = "consent";
    }

    /// <summary>FAPI Grant Management §5.2: what an authorization request does to an existing grant.</summary>
    public static class GrantManagementActions
    {
        public const string Create = "create";
        public const string Merge = "merge";
        public const string Replace = "replace";

        /// <summary>§6.4 and §6.5: actions of the grant management API, listed in metadata (§7.1), never sent as grant_management_action.</summary>
        public const string Query = "query";
        public const string Revoke = "revoke";
    }

    /// <summary>RFC 8176 §2: "amr" values for how the customer proved who they are.</summary>
    public static class AuthenticationMethods
    {
        public const string Password = "pwd";
        public const string OneTimePassword = "otp";

        /// <summary>More than one factor was used (RFC 8176 §2, "mfa").</summary>
        public const string MultiFactor = "mfa";
    }

    /// <summary>
    /// OIDC Core §2 "acr": BankLink's authentication context classes, in ascending strength. The ID token
    /// carries the class the login reached, derived from its <see cref="AuthenticationMethods"/>.
    /// </summary>
    public static class AuthenticationContextClasses
    {
        /// <summary>Login ID and password only.</summary>
        public const string Password = "urn:banklink:acr:password";

        /// <summary>Login ID and password, then a one-time password from a registered OTP token (DOMAIN.md).</summary>
        public const string PasswordAndOtp = "urn:banklink:acr:password-otp";

        public static readonly IReadOnlyList<string> All = [Password, PasswordAndOtp];

        public static string For(IReadOnlyCollection<string> amr)
        {
            ArgumentNullException.ThrowIfNull(amr);
            return amr.Contains(AuthenticationMethods.OneTimePassword) ? PasswordAndOtp : Password;
        }
    }

    /// <summary>RFC 9126 §2.2: the URN prefix of a pushed request's reference.</summary>
    public const string RequestUriPrefix = "urn:ietf:params:oauth:request_uri:";

    public static class Profiles
    {
        public const string Fapi2 = "fapi2";
        public const string NonFapi = "non_fapi";
    }

    public static class TokenTypes
    {
        public const string Bearer = "Bearer";
        public const string DPoP = "DPoP";
    }
}
