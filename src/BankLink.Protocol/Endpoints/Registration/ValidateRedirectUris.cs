using System.Net;
using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// redirect_uris (RFC 7591 §2): required for the code flow; each absolute, https, or http on a loopback
/// address only (RFC 8252 §7.3, RFC 9700 §4.1.1 and §2.1), and without a fragment (RFC 6749 §3.1.2).
/// They are later matched exactly, character for character (RFC 9700 §4.1.3).
/// </summary>
public sealed class ValidateRedirectUris : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!MetadataReader.TryGetStringArray(context.Request, Parameters.RedirectUris, out var uris) || uris is null)
        {
            context.Reject(ErrorCatalogue.RedirectUriInvalid, "redirect_uris missing or not an array of strings");
            return ValueTask.CompletedTask;
        }

        foreach (var uri in uris)
        {
            if (!IsAcceptable(uri))
            {
                context.Reject(ErrorCatalogue.RedirectUriInvalid, "redirect URI refused: " + uri);
                return ValueTask.CompletedTask;
            }
        }

        context.Registered[Parameters.RedirectUris] = new JsonArray([.. uris.Distinct(StringComparer.Ordinal).Select(u => JsonValue.Create(u))]);
        return ValueTask.CompletedTask;
    }

    internal static bool IsAcceptable(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || text.Contains('#', StringComparison.Ordinal) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttps
            || (uri.Scheme == Uri.UriSchemeHttp && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
