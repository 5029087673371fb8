using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Protocol.Endpoints.PushedAuthorization;

/// <summary>
/// scope: only scopes the client registered, at least one account function (balance, transactions: the
/// two DOMAIN.md allows) and never the provider-level grant management scopes, which belong to
/// client_credentials, not to a customer's consent.
/// </summary>
public sealed class ValidateAuthorizationScope : IStep<PushedAuthorizationContext>
{
    public ValueTask ExecuteAsync(PushedAuthorizationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var registered = context.Client!.RegisteredScopes;
        var requested = (context.Request.Get(Parameters.Scope) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        var valid = requested.Count > 0
            && requested.All(registered.Contains)
            && requested.Any(s => s is Scopes.Balance or Scopes.Transactions)
            && !requested.Any(s => s is Scopes.GrantManagementQuery or Scopes.GrantManagementRevoke);
        if (!valid)
        {
            context.Reject(ErrorCatalogue.ScopeInvalid, "scope " + context.Request.Get(Parameters.Scope));
            return ValueTask.CompletedTask;
        }

        context.Validated[Parameters.Scope] = string.Join(' ', requested);
        return ValueTask.CompletedTask;
    }
}
