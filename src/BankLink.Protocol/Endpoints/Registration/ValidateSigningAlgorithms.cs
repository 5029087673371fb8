using BankLink.Jose;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// token_endpoint_auth_signing_alg and id_token_signed_response_alg: PS256 or ES256 (FAPI 2.0 §5.4.1),
/// RS256 only for non-FAPI clients. The assertion algorithm must fit one of the registered keys, so a
/// client never registers an algorithm it could not sign with. ID tokens default to ES256.
/// </summary>
public sealed class ValidateSigningAlgorithms : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var allowed = context.Profile == Profiles.Fapi2 ? JwsAlgorithms.Fapi2 : JwsAlgorithms.All;
        if (!MetadataReader.TryGetString(context.Request, Parameters.TokenEndpointAuthSigningAlg, out var assertionAlg)
            || !MetadataReader.TryGetString(context.Request, Parameters.IdTokenSignedResponseAlg, out var idTokenAlg))
        {
            context.Reject(ErrorCatalogue.MetadataWrongType, "signing algorithm not a string");
            return ValueTask.CompletedTask;
        }

        if (assertionAlg is not null)
        {
            var fits = JwsAlgorithms.TryParse(assertionAlg, out var algorithm) && allowed.Contains(algorithm)
                && context.TokenEndpointAuthMethod == ClientAuthenticationMethods.PrivateKeyJwt
                && context.ClientKeys?.Keys.Any(k => k.IsCompatibleWith(algorithm)) == true;
            if (!fits)
            {
                context.Reject(ErrorCatalogue.AlgorithmNotAllowed, "token_endpoint_auth_signing_alg " + assertionAlg);
                return ValueTask.CompletedTask;
            }

            context.Registered[Parameters.TokenEndpointAuthSigningAlg] = assertionAlg;
        }
        else if (context.ClientKeys is { } keys && !keys.Keys.Any(k => allowed.Any(k.IsCompatibleWith)))
        {
            context.Reject(ErrorCatalogue.AlgorithmNotAllowed, "no registered key fits an allowed algorithm");
            return ValueTask.CompletedTask;
        }

        idTokenAlg ??= JwsAlgorithms.GetName(JwsAlgorithm.ES256);
        if (!JwsAlgorithms.TryParse(idTokenAlg, out var idAlgorithm) || !allowed.Contains(idAlgorithm))
        {
            context.Reject(ErrorCatalogue.AlgorithmNotAllowed, "id_token_signed_response_alg " + idTokenAlg);
            return ValueTask.CompletedTask;
        }

        context.Registered[Parameters.IdTokenSignedResponseAlg] = idTokenAlg;
        return ValueTask.CompletedTask;
    }
}
