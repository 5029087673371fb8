using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// BankLink's profile member: FAPI 2.0 unless the client explicitly registers as non-FAPI, the only way
/// to be allowed RS256 and client_secret_basic (ARCHITECTURE.md, issue "Client authentication").
/// </summary>
public sealed class ValidateProfile : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!MetadataReader.TryGetString(context.Request, Parameters.BankLinkProfile, out var profile) || profile is not (null or Profiles.Fapi2 or Profiles.NonFapi))
        {
            context.Reject(ErrorCatalogue.ProfileUnknown);
            return ValueTask.CompletedTask;
        }

        context.Profile = profile ?? Profiles.Fapi2;
        context.Registered[Parameters.BankLinkProfile] = context.Profile;
        return ValueTask.CompletedTask;
    }
}
