using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>scope (RFC 7591 §2): the space-separated scopes the client may ask for, from BankLink's list only.</summary>
public sealed class ValidateScope : IStep<RegistrationContext>
{
    public ValueTask ExecuteAsync(RegistrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!MetadataReader.TryGetString(context.Request, Parameters.Scope, out var scope, maxLength: 500))
        {
            context.Reject(ErrorCatalogue.MetadataWrongType, "scope not a string");
            return ValueTask.CompletedTask;
        }

        var scopes = (scope ?? $"{Scopes.OpenId} {Scopes.Balance} {Scopes.Transactions}").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Length == 0 || !scopes.All(Scopes.All.Contains))
        {
            context.Reject(ErrorCatalogue.ScopeNotAllowed, "scope: " + scope);
            return ValueTask.CompletedTask;
        }

        context.Registered[Parameters.Scope] = string.Join(' ', scopes.Distinct(StringComparer.Ordinal));
        return ValueTask.CompletedTask;
    }
}
