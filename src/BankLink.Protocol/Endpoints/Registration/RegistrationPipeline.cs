using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// Client registration (RFC 7591) and client configuration (RFC 7592), step by step, in the order the
/// steps run. Registration and update validate the metadata with the same steps.
/// </summary>
public sealed class RegistrationPipeline(IOnboardingTokenVerifier onboardingTokens, IClientStore clients)
{
    /// <summary>POST /connect/register.</summary>
    public Pipeline<RegistrationContext> Register { get; } = new(
    [
        // Who is asking: only holders of a live onboarding token (DOMAIN.md), before anything is read.
        new ValidateOnboardingToken(onboardingTokens),

        // What they send: one JSON object of metadata, each member by its own rule.
        new ParseClientMetadata(),
        new RefuseSoftwareStatement(),
        .. ValidateMetadata(),

        // The client exists.
        new CreateClient(clients, onboardingTokens),
    ]);

    /// <summary>GET /connect/register/{client_id}.</summary>
    public Pipeline<RegistrationContext> Read { get; } = new(
    [
        new ValidateRegistrationAccessToken(clients),
        new ReturnClientConfiguration(),
    ]);

    /// <summary>PUT /connect/register/{client_id}.</summary>
    public Pipeline<RegistrationContext> Update { get; } = new(
    [
        new ValidateRegistrationAccessToken(clients),
        new ParseClientMetadata(),
        new ValidateUpdateIdentity(),
        new RefuseSoftwareStatement(),
        .. ValidateMetadata(afterAuthenticationMethod: new KeepAuthenticationMethod()),
        new UpdateClient(clients),
    ]);

    /// <summary>DELETE /connect/register/{client_id}.</summary>
    public Pipeline<RegistrationContext> Delete { get; } = new(
    [
        new ValidateRegistrationAccessToken(clients),
        new DeleteClient(clients),
    ]);

    /// <summary>
    /// The RFC 7591 §2 metadata rules shared by registration and update; an update checks that the
    /// authentication method did not change as soon as it is known.
    /// </summary>
    private static IStep<RegistrationContext>[] ValidateMetadata(IStep<RegistrationContext>? afterAuthenticationMethod = null) =>
    [
        new ValidateProfile(),
        new ValidateTokenEndpointAuthMethod(),
        .. afterAuthenticationMethod is null ? Array.Empty<IStep<RegistrationContext>>() : [afterAuthenticationMethod],
        new ValidateRedirectUris(),
        new ValidateGrantAndResponseTypes(),
        new ValidateScope(),
        new ValidateJwks(),
        new ValidateSigningAlgorithms(),
        new ValidateDpopBinding(),
        new ValidateRefreshTokenRotation(),
        new ValidateInformationalMetadata(),
    ];
}
