using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Primitives;

/// <summary>
/// Every client-facing refusal, numbered: BL2xxx are descriptions providers read (BL20xx requests in
/// general, BL21xx client registration). Ids never change meaning once released; tests assert them.
/// </summary>
public static class ErrorCatalogue
{
    public static readonly ProtocolError DuplicateParameter = new(Errors.InvalidRequest, "BL2001",
        "A parameter was sent more than once; send each parameter once (RFC 6749 section 3.1).");

    public static readonly ProtocolError ParameterTooLong = new(Errors.InvalidRequest, "BL2002",
        "A parameter is longer than BankLink accepts; see the input limits in the developer docs.");

    public static readonly ProtocolError MalformedBody = new(Errors.InvalidRequest, "BL2003",
        "The request body is not what this endpoint takes; check the content type and the syntax.");

    public static readonly ProtocolError ClientAuthenticationMissing = new(Errors.InvalidClient, "BL2201",
        "Authenticate the client: private_key_jwt (client_assertion_type and client_assertion), or HTTP Basic for clients registered as non_fapi.");

    public static readonly ProtocolError ClientAuthenticationFailed = new(Errors.InvalidClient, "BL2202",
        "Client authentication failed: check the client_id, the authentication method it was registered with, and the credentials.");

    public static readonly ProtocolError ClientAssertionInvalid = new(Errors.InvalidClient, "BL2203",
        "The client assertion is malformed or not signed with a registered key and an allowed algorithm (PS256 or ES256; RS256 only for non_fapi clients).");

    public static readonly ProtocolError ClientAssertionClaimsInvalid = new(Errors.InvalidClient, "BL2204",
        "The client assertion's claims are wrong: iss and sub must be the client_id, aud exactly the issuer identifier as one string, and jti present.");

    public static readonly ProtocolError ClientAssertionExpired = new(Errors.InvalidClient, "BL2205",
        "The client assertion is expired, not yet valid, or valid for more than 5 minutes; make a fresh one for each request.");

    public static readonly ProtocolError ClientAssertionReplayed = new(Errors.InvalidClient, "BL2206",
        "The client assertion was already used (same jti); make a fresh one, with a new jti, for each request.");

    public static readonly ProtocolError MultipleClientAuthentications = new(Errors.InvalidRequest, "BL2207",
        "The request uses more than one client authentication method; use exactly one (RFC 6749 section 2.3).");

    public static readonly ProtocolError DpopProofMissing = new(Errors.InvalidDpopProof, "BL2301",
        "Send exactly one DPoP header with a proof for this request: every BankLink token is DPoP-bound (RFC 9449).");

    public static readonly ProtocolError DpopProofInvalid = new(Errors.InvalidDpopProof, "BL2302",
        "The DPoP proof is malformed or badly signed: typ dpop+jwt, alg ES256 or PS256, the public jwk in its header, jti, htm, htu and iat.");

    public static readonly ProtocolError DpopProofWrongRequest = new(Errors.InvalidDpopProof, "BL2303",
        "The DPoP proof is for another request: htm must be this request's method and htu its URI without query or fragment.");

    public static readonly ProtocolError DpopProofStale = new(Errors.InvalidDpopProof, "BL2304",
        "The DPoP proof's iat is too old or in the future; make a fresh proof for each request and check your clock.");

    public static readonly ProtocolError DpopProofReplayed = new(Errors.InvalidDpopProof, "BL2305",
        "The DPoP proof was already used (same jti); make a fresh proof, with a new jti, for each request.");

    public static readonly ProtocolError DpopProofAccessTokenMismatch = new(Errors.InvalidDpopProof, "BL2306",
        "The DPoP proof's ath is missing or is not the base64url SHA-256 of the access token sent with it.");

    public static readonly ProtocolError DpopNonceRequired = new(Errors.UseDpopNonce, "BL2307",
        "Resend the request with a new DPoP proof carrying the nonce from the DPoP-Nonce response header.");

    public static readonly ProtocolError DpopKeyMismatch = new(Errors.InvalidDpopProof, "BL2308",
        "The DPoP proof is signed with another key than the one this token or request is bound to; use the same key throughout.");

    public static readonly ProtocolError ResponseTypeUnsupported = new(Errors.InvalidRequest, "BL2401",
        "response_type must be code, and the client must be registered for the authorization_code grant.");

    public static readonly ProtocolError RedirectUriNotRegistered = new(Errors.InvalidRequest, "BL2402",
        "redirect_uri is required and must equal, character for character, one of the client's registered redirect_uris.");

    public static readonly ProtocolError PkceRequired = new(Errors.InvalidRequest, "BL2403",
        "PKCE is required: code_challenge (43 base64url characters) with code_challenge_method S256; plain is not accepted.");

    public static readonly ProtocolError ScopeInvalid = new(Errors.InvalidScope, "BL2404",
        "scope must list scopes the client registered, with balance or transactions (and openid for OpenID Connect).");

    public static readonly ProtocolError AuthorizationParameterInvalid = new(Errors.InvalidRequest, "BL2405",
        "An authorization parameter is malformed: state, nonce, prompt (none, login, consent; none alone), max_age (whole seconds), login_hint or ui_locales.");

    public static readonly ProtocolError GrantManagementInvalid = new(Errors.InvalidRequest, "BL2406",
        "grant_management_action must be create, merge or replace; merge and replace need the grant_id of one of this client's grants, create none.");

    public static readonly ProtocolError RequestObjectUnsupported = new(Errors.InvalidRequest, "BL2407",
        "Send the authorization parameters as form fields: request objects (request) and a request_uri are not accepted at the PAR endpoint.");

    public static readonly ProtocolError DpopJktMismatch = new(Errors.InvalidRequest, "BL2408",
        "dpop_jkt must be the RFC 7638 thumbprint of the key that signs this request's DPoP proof (RFC 9449 section 10).");

    public static readonly ProtocolError GrantIdInvalid = new(Errors.InvalidGrantId, "BL2409",
        "grant_id does not name an active grant of this client: it is unknown, revoked or expired. Ask the customer for a new permission with grant_management_action=create.");

    public static readonly ProtocolError GrantIdOfAnotherCustomer = new(Errors.InvalidGrantId, "BL2410",
        "The customer who logged in at the bank does not hold the grant named by grant_id; send the grant's own customer, or use grant_management_action=create.");


    public static readonly ProtocolError GrantTypeMissing = new(Errors.InvalidRequest, "BL2501",
        "grant_type is required at the token endpoint.");

    public static readonly ProtocolError GrantTypeUnsupported = new(Errors.UnsupportedGrantType, "BL2502",
        "This grant_type is not offered by this server; see grant_types_supported in the server metadata.");

    public static readonly ProtocolError GrantTypeNotRegistered = new(Errors.UnauthorizedClient, "BL2503",
        "The client is not registered for this grant_type; add it to the client's grant_types (RFC 7592 update).");

    public static readonly ProtocolError ClientCredentialsScopeInvalid = new(Errors.InvalidScope, "BL2504",
        "client_credentials tokens carry only provider-level scopes the client registered: grant_management_query, grant_management_revoke.");

    public static readonly ProtocolError CodeInvalid = new(Errors.InvalidGrant, "BL2510",
        "The authorization code is invalid, expired or already used; send the customer through authorization again.");

    public static readonly ProtocolError CodeRequestMismatch = new(Errors.InvalidGrant, "BL2511",
        "redirect_uri must be sent and equal the one of the authorization request.");

    public static readonly ProtocolError PkceVerifierMismatch = new(Errors.InvalidGrant, "BL2512",
        "code_verifier (43 to 128 unreserved characters) does not match the code_challenge sent with the authorization request (S256).");

    public static readonly ProtocolError WrongSender = new(Errors.InvalidGrant, "BL2513",
        "Wrong sender: the DPoP proof is signed with another key than the one this code or refresh token is bound to; use the same key throughout.");

    public static readonly ProtocolError RefreshTokenInvalid = new(Errors.InvalidGrant, "BL2520",
        "The refresh token is unknown or not this client's.");

    public static readonly ProtocolError RefreshTokenEnded = new(Errors.InvalidGrant, "BL2521",
        "The refresh token expired or was revoked, or the customer's permission ended; send the customer through authorization again.");

    public static readonly ProtocolError AccessTokenMissing = new(Errors.InvalidToken, "BL2701",
        "Send the access token as 'Authorization: DPoP <token>' with a DPoP proof of its key (RFC 9449 section 7.1); Bearer is not accepted.");

    public static readonly ProtocolError AccessTokenUnknown = new(Errors.InvalidToken, "BL2702",
        "The access token is not one BankLink issued; get a new one at the token endpoint.");

    public static readonly ProtocolError AccessTokenExpired = new(Errors.InvalidToken, "BL2703",
        "The access token expired; get a new one with the refresh token.");

    public static readonly ProtocolError AccessTokenRevoked = new(Errors.InvalidToken, "BL2704",
        "The access token was revoked or the customer's permission ended; send the customer through authorization again.");

    public static readonly ProtocolError ScopeInsufficient = new(Errors.InsufficientScope, "BL2705",
        "The access token does not carry the scope this resource needs; ask for it in the authorization request.");

    public static readonly ProtocolError RefreshTokenReused = new(Errors.InvalidGrant, "BL2522",
        "The refresh token was already replaced by a newer one; for safety the customer's permission was revoked. Send the customer through authorization again.");

    public static readonly ProtocolError TokenParameterMissing = new(Errors.InvalidRequest, "BL2601",
        "token is required: the access or refresh token to introspect or revoke.");

    public static readonly ProtocolError OnboardingTokenInvalid = new(Errors.InvalidToken, "BL2101",
        "The onboarding token is missing, unknown, expired or revoked; ask the bank for a valid one (8 characters, '@', 16 characters).");

    public static readonly ProtocolError RegistrationAccessTokenInvalid = new(Errors.InvalidToken, "BL2102",
        "The registration access token is missing or not valid for this client; use the one returned when the client was registered.");

    public static readonly ProtocolError RedirectUriInvalid = new(Errors.InvalidRedirectUri, "BL2110",
        "redirect_uris must be a non-empty array of absolute https URIs (http only for loopback addresses) without fragments.");

    public static readonly ProtocolError MetadataNotAnObject = new(Errors.InvalidClientMetadata, "BL2111",
        "The registration request must be a JSON object of client metadata (RFC 7591 section 2).");

    public static readonly ProtocolError MetadataWrongType = new(Errors.InvalidClientMetadata, "BL2112",
        "A metadata member has the wrong JSON type; see RFC 7591 section 2 for each member's type.");

    public static readonly ProtocolError AuthMethodNotAllowed = new(Errors.InvalidClientMetadata, "BL2113",
        "token_endpoint_auth_method must be private_key_jwt; client_secret_basic is allowed only with banklink_profile non_fapi.");

    public static readonly ProtocolError JwksRequired = new(Errors.InvalidClientMetadata, "BL2114",
        "private_key_jwt clients must send their public keys inline as jwks; jwks_uri is not supported.");

    public static readonly ProtocolError JwksInvalid = new(Errors.InvalidClientMetadata, "BL2115",
        "jwks must hold 1 to 10 public EC P-256 or RSA (2048 bits or more) signing keys, each with a unique kid, and no private members.");

    public static readonly ProtocolError AlgorithmNotAllowed = new(Errors.InvalidClientMetadata, "BL2116",
        "Signing algorithms must be PS256 or ES256 (RS256 only with banklink_profile non_fapi), and match the registered keys.");

    public static readonly ProtocolError GrantTypeNotAllowed = new(Errors.InvalidClientMetadata, "BL2117",
        "grant_types may hold authorization_code, refresh_token and client_credentials; response_types only code; refresh_token needs authorization_code.");

    public static readonly ProtocolError ScopeNotAllowed = new(Errors.InvalidClientMetadata, "BL2118",
        "scope may hold only openid, balance, transactions, grant_management_query and grant_management_revoke.");

    public static readonly ProtocolError DpopRequired = new(Errors.InvalidClientMetadata, "BL2119",
        "dpop_bound_access_tokens cannot be false: every BankLink access token is DPoP-bound (RFC 9449).");

    public static readonly ProtocolError MetadataUriInvalid = new(Errors.InvalidClientMetadata, "BL2120",
        "client_uri, logo_uri, policy_uri and tos_uri must be absolute https URIs.");

    public static readonly ProtocolError MetadataValueInvalid = new(Errors.InvalidClientMetadata, "BL2121",
        "A metadata value is empty, too long or not one BankLink supports; see the registration guide.");

    public static readonly ProtocolError SoftwareStatementUnsupported = new(Errors.InvalidSoftwareStatement, "BL2122",
        "Software statements are not used: the onboarding token identifies the provider.");

    public static readonly ProtocolError UpdateIdentityInvalid = new(Errors.InvalidClientMetadata, "BL2124",
        "An update must send client_id, must not send server-issued members, and keeps the profile and token_endpoint_auth_method (RFC 7592 section 2.2).");

    public static readonly ProtocolError ProfileUnknown = new(Errors.InvalidClientMetadata, "BL2123",
        "banklink_profile must be fapi2 (the default) or non_fapi.");
}
