using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// PKCE (RFC 7636) is required, with S256 only (FAPI 2.0 §5.3.2.2, RFC 9700 §2.1.1): the challenge is the
/// base64url SHA-256 of the verifier, so exactly 43 base64url characters; plain and a missing method are refused.
/// </summary>
public sealed class ValidatePkce : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var challenge = context.Request.Get(Parameters.CodeChallenge);
        var method = context.Request.Get(Parameters.CodeChallengeMethod);
        if (method != CodeChallengeMethods.S256 || challenge is not { Length: 43 } || !System.Buffers.Text.Base64Url.IsValid(challenge))
        {
            context.Reject(ErrorCatalogue.PkceRequired, $"code_challenge_method {method}, challenge length {challenge?.Length}");
            return ValueTask.CompletedTask;
        }

        context.Validated[Parameters.CodeChallenge] = challenge;
        context.Validated[Parameters.CodeChallengeMethod] = method;
        return ValueTask.CompletedTask;
    }
}
