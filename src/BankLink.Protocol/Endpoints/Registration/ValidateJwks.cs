using System.Text.Json;
using System.Text.Json.Nodes;
using BankLink.Jose;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// jwks (RFC 7591 §2): the client's public keys for private_key_jwt, inline. jwks_uri is not supported:
/// fetching keys from a provider's server at request time is an outbound dependency and an SSRF surface
/// a bank does not take on; RFC 7592 updates replace keys instead. Keys must be public, EC P-256 or RSA of
/// 2048 bits or more, for signing, and selectable by a unique kid.
/// </summary>
public sealed class ValidateJwks : IStep<RegistrationContext>
{
    public const int MaxKeys = 10;

    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.TryGetProperty(Parameters.JwksUri, out _))
        {
            context.Reject(ErrorCatalogue.JwksRequired, "jwks_uri sent");
            return ValueTask.CompletedTask;
        }

        var needsKeys = context.TokenEndpointAuthMethod == ClientAuthenticationMethods.PrivateKeyJwt;
        if (!context.Request.TryGetProperty(Parameters.Jwks, out var jwks))
        {
            if (needsKeys)
            {
                context.Reject(ErrorCatalogue.JwksRequired, "no jwks for private_key_jwt");
            }

            return ValueTask.CompletedTask;
        }

        if (jwks.ValueKind != JsonValueKind.Object)
        {
            context.Reject(ErrorCatalogue.JwksInvalid, "jwks is a JSON " + jwks.ValueKind);
            return ValueTask.CompletedTask;
        }

        if (!JwkSet.TryParse(jwks, out var set, out var failure))
        {
            context.Reject(ErrorCatalogue.JwksInvalid, "jwks not a valid JWK Set: " + failure);
            return ValueTask.CompletedTask;
        }

        var problem = Problem(set);
        if (problem is not null)
        {
            context.Reject(ErrorCatalogue.JwksInvalid, problem);
            return ValueTask.CompletedTask;
        }

        context.ClientKeys = set;
        context.Registered[Parameters.Jwks] = JsonNode.Parse(set.ToPublicJson());
        return ValueTask.CompletedTask;
    }

    private static string? Problem(JwkSet set)
    {
        if (set.Keys.Count is 0 or > MaxKeys)
        {
            return $"{set.Keys.Count} keys";
        }

        // A private key in registration metadata means the client has leaked it to us: refuse, never store it.
        if (set.ContainsPrivateKey)
        {
            return "private key members present";
        }

        if (set.Keys.Any(k => k.Use is not (null or Jwk.Usages.Signature)))
        {
            return "a key whose use is not sig";
        }

        if (set.Keys.Count > 1 && (set.Keys.Any(k => string.IsNullOrEmpty(k.Kid)) || set.Keys.Select(k => k.Kid).Distinct(StringComparer.Ordinal).Count() != set.Keys.Count))
        {
            return "several keys without unique kids";
        }

        return null;
    }
}
