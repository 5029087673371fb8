using System.Text.Json.Nodes;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>
/// grant_types and response_types (RFC 7591 §2.1): only the grants BankLink implements, only the code
/// response type, and consistent with each other. Defaults as the RFC gives them.
/// </summary>
public sealed class ValidateGrantAndResponseTypes : IStep<RegistrationContext>
{
    private static readonly HashSet<string> Supported = [GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials];

    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!MetadataReader.TryGetStringArray(context.Request, Parameters.GrantTypes, out var grants)
            || !MetadataReader.TryGetStringArray(context.Request, Parameters.ResponseTypes, out var responses))
        {
            context.Reject(ErrorCatalogue.MetadataWrongType, "grant_types or response_types not an array of strings");
            return ValueTask.CompletedTask;
        }

        grants ??= [GrantTypes.AuthorizationCode];
        responses ??= [ResponseTypes.Code];
        var usesCode = grants.Contains(GrantTypes.AuthorizationCode);
        if (!grants.All(Supported.Contains)
            || responses.Any(r => r != ResponseTypes.Code)
            || (grants.Contains(GrantTypes.RefreshToken) && !usesCode))
        {
            context.Reject(ErrorCatalogue.GrantTypeNotAllowed, $"grant_types [{string.Join(',', grants)}], response_types [{string.Join(',', responses)}]");
            return ValueTask.CompletedTask;
        }

        context.Registered[Parameters.GrantTypes] = new JsonArray([.. grants.Distinct(StringComparer.Ordinal).Select(g => JsonValue.Create(g))]);
        context.Registered[Parameters.ResponseTypes] = usesCode ? new JsonArray(ResponseTypes.Code) : new JsonArray();
        return ValueTask.CompletedTask;
    }
}
