using System.Text.Json;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// dpop_bound_access_tokens (RFC 9449 §5.2): BankLink binds every access token to a DPoP key (FAPI 2.0
/// §5.3.2.2 sender-constraining), so the member may be omitted or true, never false.
/// </summary>
public sealed class ValidateDpopBinding : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.TryGetProperty(Parameters.DpopBoundAccessTokens, out var member))
        {
            if (member.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                context.Reject(ErrorCatalogue.MetadataWrongType, "dpop_bound_access_tokens not a boolean");
                return ValueTask.CompletedTask;
            }

            if (member.ValueKind == JsonValueKind.False)
            {
                context.Reject(ErrorCatalogue.DpopRequired);
                return ValueTask.CompletedTask;
            }
        }

        context.Registered[Parameters.DpopBoundAccessTokens] = true;
        return ValueTask.CompletedTask;
    }
}
