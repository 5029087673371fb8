using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// Registration is open only to holders of a live onboarding token, sent as the RFC 7591 §3 initial
/// access token (RFC 6750 bearer). Missing, unknown, expired and revoked look the same to the caller.
/// </summary>
public sealed class ValidateOnboardingToken(IOnboardingTokenVerifier verifier) : IStep<RegistrationContext>
{
    public async ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Grantee = await verifier.FindUsableAsync(context.BearerToken, cancellationToken);
        if (context.Grantee is null)
        {
            context.Reject(ErrorCatalogue.OnboardingTokenInvalid, context.BearerToken is null ? "no initial access token" : "onboarding token not usable");
        }
    }
}
