using System.Text.Json;
using BankLink.Jose;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.ClientAuthentication;

/// <summary>
/// Authenticates the client of a back-channel request (PAR, token, revocation, introspection), the way it
/// was registered: private_key_jwt (RFC 7523 §2.2 and §3, with FAPI 2.0 §5.3.2.1's single-string aud) or,
/// for non-FAPI clients only, client_secret_basic (RFC 6749 §2.3.1). Every failure looks the same from
/// outside as far as the client's existence goes; the detail goes to the log.
/// </summary>
public sealed class ClientAuthenticator(IClientStore clients, IReplayCache replayCache, TimeProvider clock)
{
    /// <summary>Clock difference tolerated between the client and the bank.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>The longest an assertion may stay valid: it is for one request, made just before it.</summary>
    public static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromMinutes(5);

    public const int MaxJtiLength = 256;

    /// <summary>Authenticates the client and records its assertion's jti: the whole of RFC 7523 §3.</summary>
    public async Task<ClientAuthenticationResult> AuthenticateAsync(ClientCredentials credentials, string issuer, CancellationToken cancellationToken)
    {
        var result = await VerifyAsync(credentials, issuer, cancellationToken);
        if (result.AssertionUse is { } use && !await replayCache.TryUseAsync(use, cancellationToken))
        {
            return Replayed(result.Client!);
        }

        return result;
    }

    /// <summary>
    /// Everything but recording the assertion's jti, which is left in <see cref="ClientAuthenticationResult.AssertionUse"/>
    /// for the caller to record together with the request's other one-time values, in one write (see
    /// <see cref="Endpoints.Shared.RecordOneTimeUses{TContext}"/>). A caller that does not record it has not authenticated the client.
    /// </summary>
    public async Task<ClientAuthenticationResult> VerifyAsync(ClientCredentials credentials, string issuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var usesAssertion = credentials.ClientAssertion is not null || credentials.ClientAssertionType is not null;
        var usesBasic = credentials.BasicClientId is not null;
        if ((usesAssertion ? 1 : 0) + (usesBasic ? 1 : 0) + (credentials.ClientSecretInBody is not null ? 1 : 0) > 1)
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.MultipleClientAuthentications, "more than one method");
        }

        if (credentials.ClientSecretInBody is not null)
        {
            // client_secret_post is not offered: secrets travel only in the Authorization header.
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAuthenticationFailed, "client_secret_post attempted");
        }

        return usesAssertion ? await AuthenticateWithAssertionAsync(credentials, issuer, cancellationToken)
            : usesBasic ? await AuthenticateWithSecretAsync(credentials, cancellationToken)
            : ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAuthenticationMissing, "no client authentication");
    }

    private async Task<ClientAuthenticationResult> AuthenticateWithSecretAsync(ClientCredentials credentials, CancellationToken cancellationToken)
    {
        if (credentials.ClientId is not null && credentials.ClientId != credentials.BasicClientId)
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAuthenticationFailed, "client_id parameter differs from Basic user");
        }

        var client = credentials.BasicClientId is { Length: <= 64 } id ? await clients.FindAsync(id, cancellationToken) : null;
        if (client is null || client.TokenEndpointAuthMethod != ClientAuthenticationMethods.ClientSecretBasic || client.ClientSecretHash is null)
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAuthenticationFailed, client is null ? "unknown client" : "client not registered for client_secret_basic");
        }

        var secret = credentials.BasicClientSecret;
        var matches = secret is not null && secret.Length <= OpaqueToken.MaxLength && OpaqueToken.HashesEqual(OpaqueToken.Hash(secret), client.ClientSecretHash);
        return matches
            ? ClientAuthenticationResult.Success(client)
            : ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAuthenticationFailed, "wrong client secret for " + client.ClientId);
    }

    private async Task<ClientAuthenticationResult> AuthenticateWithAssertionAsync(ClientCredentials credentials, string issuer, CancellationToken cancellationToken)
    {
        if (credentials.ClientAssertionType != ClientAssertionTypes.JwtBearer || credentials.ClientAssertion is not { } assertion)
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAssertionInvalid, "client_assertion_type or client_assertion missing or wrong");
        }

        // The signature can only be checked with the client's keys, so the client is named before it is
        // verified: by client_id when sent, else by the (still unverified) iss. Nothing else is trusted yet.
        if (!JwsReader.TryRead(assertion, JwsAlgorithms.All, out var jws, out var readFailure) || !jws.TryReadPayloadObject(out var claims))
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAssertionInvalid, "unreadable assertion: " + readFailure);
        }

        var claimedId = credentials.ClientId ?? StringClaim(claims, "iss");
        var client = claimedId is { Length: <= 64 } ? await clients.FindAsync(claimedId, cancellationToken) : null;
        if (client is null || client.TokenEndpointAuthMethod != ClientAuthenticationMethods.PrivateKeyJwt
            || !JwkSet.TryParse(client.Metadata[Parameters.Jwks]?.ToJsonString() ?? "", out var keys, out _))
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAuthenticationFailed, client is null ? "unknown client" : "client not registered for private_key_jwt");
        }

        var allowed = client.Profile == Profiles.Fapi2 ? JwsAlgorithms.Fapi2 : JwsAlgorithms.All;
        var registeredAlg = client.Metadata[Parameters.TokenEndpointAuthSigningAlg]?.GetValue<string>();
        var key = keys.FindVerificationKey(jws.Header.Kid, jws.Algorithm);
        if (!allowed.Contains(jws.Algorithm) || (registeredAlg is not null && registeredAlg != JwsAlgorithms.GetName(jws.Algorithm)) || key is null || !jws.TryVerify(key, out var verifyFailure))
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAssertionInvalid, $"alg {jws.Algorithm}, kid {jws.Header.Kid}: not verified");
        }

        return CheckClaims(client, claims, credentials.ClientId, issuer);
    }

    /// <summary>The refusal of an assertion whose jti was used before (RFC 7523 §3 item 7).</summary>
    public static ClientAuthenticationResult Replayed(RegisteredClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAssertionReplayed, "jti replayed by " + client.ClientId);
    }

    /// <summary>RFC 7523 §3 items 1 to 7, after the signature: who, for whom, when; and the jti to record once.</summary>
    private ClientAuthenticationResult CheckClaims(RegisteredClient client, JsonElement claims, string? clientIdParameter, string issuer)
    {
        // aud must be the issuer identifier as a plain string: not an array, not the endpoint URL (FAPI 2.0 §5.3.2.1 item 8,
        // which closes the audience-injection attack on token and PAR endpoint audiences).
        if (StringClaim(claims, "iss") != client.ClientId || StringClaim(claims, "sub") != client.ClientId
            || (clientIdParameter is not null && clientIdParameter != client.ClientId)
            || !claims.TryGetProperty("aud", out var aud) || aud.ValueKind != JsonValueKind.String || aud.GetString() != issuer
            || StringClaim(claims, "jti") is not { Length: > 0 and <= MaxJtiLength } jti)
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAssertionClaimsInvalid, "iss/sub/aud/jti of " + client.ClientId);
        }

        var now = clock.GetUtcNow();
        if (!NumericDate(claims, "exp", out var exp) || exp <= now - ClockSkew || exp > now + MaxAssertionLifetime + ClockSkew
            || (claims.TryGetProperty("iat", out _) && (!NumericDate(claims, "iat", out var iat) || iat > now + ClockSkew))
            || (claims.TryGetProperty("nbf", out _) && (!NumericDate(claims, "nbf", out var nbf) || nbf > now + ClockSkew)))
        {
            return ClientAuthenticationResult.Failure(ErrorCatalogue.ClientAssertionExpired, "assertion time window of " + client.ClientId);
        }

        // RFC 7523 §3 item 7: the jti is single-use for as long as the assertion could be accepted.
        return ClientAuthenticationResult.Success(client) with { AssertionUse = new OneTimeUse("client_assertion", client.ClientId, jti, exp + ClockSkew) };
    }

    private static string? StringClaim(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool NumericDate(JsonElement claims, string name, out DateTimeOffset value)
    {
        value = default;
        if (!claims.TryGetProperty(name, out var member) || member.ValueKind != JsonValueKind.Number || !member.TryGetInt64(out var seconds)
            || seconds is < 0 or > 253402300799)
        {
            return false;
        }

        value = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}
