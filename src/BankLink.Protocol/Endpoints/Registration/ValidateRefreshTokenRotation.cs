using System.Text.Json;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// banklink_refresh_token_rotation: off by default (FAPI 2.0 §5.3.2.1 advises against rotation for
/// confidential clients, whose refresh tokens are DPoP-bound anyway); a client may switch it on.
/// </summary>
public sealed class ValidateRefreshTokenRotation : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rotate = false;
        if (context.Request.TryGetProperty(Parameters.BankLinkRefreshTokenRotation, out var member))
        {
            if (member.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                context.Reject(ErrorCatalogue.MetadataWrongType, "banklink_refresh_token_rotation not a boolean");
                return ValueTask.CompletedTask;
            }

            rotate = member.GetBoolean();
        }

        context.Registered[Parameters.BankLinkRefreshTokenRotation] = rotate;
        return ValueTask.CompletedTask;
    }
}
