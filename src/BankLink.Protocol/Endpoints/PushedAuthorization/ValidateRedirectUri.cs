using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// redirect_uri: required, and equal character for character to a registered one (RFC 9700 §4.1.3 exact
/// matching; no pattern, no prefix, no case folding), so a code can only travel to where the client said.
/// </summary>
public sealed class ValidateRedirectUri : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var redirectUri = context.Request.Get(Parameters.RedirectUri);
        var registered = context.Client!.Metadata[Parameters.RedirectUris] as JsonArray;
        if (redirectUri is null || registered?.Any(r => string.Equals(r?.GetValue<string>(), redirectUri, StringComparison.Ordinal)) != true)
        {
            context.Reject(ErrorCatalogue.RedirectUriNotRegistered, "redirect_uri " + redirectUri);
            return ValueTask.CompletedTask;
        }

        context.Validated[Parameters.RedirectUri] = redirectUri;
        return ValueTask.CompletedTask;
    }
}
