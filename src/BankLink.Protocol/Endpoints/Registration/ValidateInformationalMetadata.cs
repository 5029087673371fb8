using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// The metadata people read (RFC 7591 §2): client_name (shown on the consent page, so required here),
/// the https pages the consent page may link to, and contacts.
/// </summary>
public sealed class ValidateInformationalMetadata : IStep<RegistrationContext>
{
    private static readonly string[] UriMembers = [Parameters.ClientUri, Parameters.LogoUri, Parameters.PolicyUri, Parameters.TosUri];

    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!MetadataReader.TryGetString(context.Request, Parameters.ClientName, out var name, maxLength: 200) || name is null || string.IsNullOrWhiteSpace(name))
        {
            context.Reject(ErrorCatalogue.MetadataValueInvalid, "client_name missing, empty or over 200 characters");
            return ValueTask.CompletedTask;
        }

        context.Registered[Parameters.ClientName] = name.Trim();
        foreach (var member in UriMembers)
        {
            if (!MetadataReader.TryGetString(context.Request, member, out var uri))
            {
                context.Reject(ErrorCatalogue.MetadataWrongType, member + " not a string");
                return ValueTask.CompletedTask;
            }

            if (uri is null)
            {
                continue;
            }

            // Pages shown to customers from the consent screen: https only, no credentials in the URI.
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps || !string.IsNullOrEmpty(parsed.UserInfo))
            {
                context.Reject(ErrorCatalogue.MetadataUriInvalid, member + ": " + uri);
                return ValueTask.CompletedTask;
            }

            context.Registered[member] = uri;
        }

        if (!MetadataReader.TryGetStringArray(context.Request, Parameters.Contacts, out var contacts, maxItems: 5, maxLength: 254))
        {
            context.Reject(ErrorCatalogue.MetadataValueInvalid, "contacts not an array of up to 5 strings");
            return ValueTask.CompletedTask;
        }

        if (contacts is not null)
        {
            context.Registered[Parameters.Contacts] = new JsonArray([.. contacts.Select(c => JsonValue.Create(c))]);
        }

        return ValueTask.CompletedTask;
    }
}
