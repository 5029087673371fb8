using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// Stores the validated request under a one-time reference and answers RFC 9126 §2.2: request_uri (the URN
/// of a 256-bit random reference, of which only the SHA-256 is stored) and expires_in (60 seconds).
/// </summary>
public sealed class StorePushedRequest(IPushedRequestStore store) : IStep<PushedAuthorizationContext>
{
    /// <summary>RFC 9126 §2.2 suggests seconds to minutes; a minute is enough to redirect the browser.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public async ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reference = OpaqueToken.Create(TokenKind.RequestUri);
        var parameters = (JsonObject)context.Validated.DeepClone();
        await store.StoreAsync(OpaqueToken.Hash(reference), new PushedRequest(
            context.Client!.ClientId, parameters, parameters[Parameters.DpopJkt]?.GetValue<string>(), context.Now, context.Now + Lifetime), cancellationToken);
        context.Response = new JsonObject
        {
            [Parameters.RequestUri] = RequestUriPrefix + reference,
            [Parameters.ExpiresIn] = (int)Lifetime.TotalSeconds,
        };
        context.Complete();
    }
}
