using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>RFC 7591 §2.3: software statements are optional; the onboarding token already identifies the provider.</summary>
public sealed class RefuseSoftwareStatement : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.TryGetProperty(Parameters.SoftwareStatement, out _))
        {
            context.Reject(ErrorCatalogue.SoftwareStatementUnsupported);
        }

        return ValueTask.CompletedTask;
    }
}
