namespace BankLink.Protocol.ClientAuthentication;

/// <summary>
/// What a request carries to authenticate its client: form parameters (client_id, client_assertion_type,
/// client_assertion, client_secret) and the HTTP Basic credentials, already decoded by the host.
/// </summary>
public sealed record ClientCredentials(
    string? ClientId,
    string? ClientAssertionType,
    string? ClientAssertion,
    string? ClientSecretInBody,
    string? BasicClientId,
    string? BasicClientSecret);

/// <summary>
/// The outcome: the authenticated client, or the refusal and its internal detail. After a verified client
/// assertion, <see cref="AssertionUse"/> is its jti, which the caller still has to record (see <see cref="ClientAuthenticator.VerifyAsync"/>).
/// </summary>
public sealed record ClientAuthenticationResult(Stores.RegisteredClient? Client, Primitives.ProtocolError? Error, string? Detail)
{
    public Stores.OneTimeUse? AssertionUse { get; init; }

    public static ClientAuthenticationResult Success(Stores.RegisteredClient client) => new(client, null, null);

    public static ClientAuthenticationResult Failure(Primitives.ProtocolError error, string detail) => new(null, error, detail);
}
