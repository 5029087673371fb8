using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Token;

/// <summary>
/// What the code was issued for must be what redeems it: the same redirect_uri (RFC 6749 §4.1.3), the PKCE
/// verifier of its challenge (RFC 7636 §4.6, S256, compared in constant time) and, when the request was
/// DPoP-bound at PAR, the same DPoP key (RFC 9449 §10.1).
/// </summary>
public sealed class VerifyCodeBinding : IStep<TokenContext>
{
    public ValueTask ExecuteAsync(TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GrantType != GrantTypes.AuthorizationCode || context.Source?.Payload is not { } payload)
        {
            return ValueTask.CompletedTask;
        }

        if (context.Request.Get(Parameters.RedirectUri) != payload[Parameters.RedirectUri]?.GetValue<string>())
        {
            context.Reject(ErrorCatalogue.CodeRequestMismatch, "redirect_uri differs");
            return ValueTask.CompletedTask;
        }

        var verifier = context.Request.Get(Parameters.CodeVerifier);
        var challenge = payload[Parameters.CodeChallenge]?.GetValue<string>() ?? "";
        if (verifier is not { Length: >= 43 and <= 128 } || !verifier.All(IsUnreserved)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))), Encoding.ASCII.GetBytes(challenge)))
        {
            context.Reject(ErrorCatalogue.PkceVerifierMismatch, "PKCE verifier mismatch");
            return ValueTask.CompletedTask;
        }

        if (payload[Parameters.DpopJkt]?.GetValue<string>() is { } boundKey && boundKey != context.DpopThumbprint)
        {
            context.Reject(ErrorCatalogue.WrongSender, "code bound to another DPoP key");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>RFC 7636 §4.1: ALPHA / DIGIT / "-" / "." / "_" / "~".</summary>
    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
