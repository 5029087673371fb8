using BankLink.Data.Operations;
using BankLink.Data.Operations.Providers;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>
/// Providers (issue 6): the list and one provider's page for any role; suspension, reinstatement and the chained
/// recipients for admins, through <see cref="OperatorActions"/> (suspension needs four eyes by default: 202).
/// </summary>
public static class AdminProvidersApi
{
    public sealed record SuspendBody(string? Reason, bool RevokeRefreshTokens = false);

    public sealed record RecipientBody(string? Reason, string? Name, string? NameJa, string? Purpose, string? PurposeJa);

    public static RouteGroupBuilder MapAdminProvidersApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/providers", async (HttpContext http, ProviderOperations providers, CancellationToken ct) =>
            TypedResults.Ok(new AdminProviderList([.. (await providers.ListAsync(http.RequireOperator(), ct)).Select(AdminModels.Provider)])));
        group.MapGet("/providers/{id}", async (HttpContext http, string id, ProviderOperations providers, CancellationToken ct) =>
            TypedResults.Ok(AdminModels.Provider(await providers.GetAsync(http.RequireOperator(), AdminProblems.Id(id, "provider"), ct))));

        group.MapPost("/providers/{id}/suspend", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<SuspendBody>(http);
            var providerId = AdminProblems.Id(id, "provider");
            return await AdminProblems.RunAsync(http, actions, ProviderActionExecutor.SuspendProvider(providerId, body.RevokeRefreshTokens), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Admin);

        group.MapPost("/providers/{id}/reinstate", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var providerId = AdminProblems.Id(id, "provider");
            return await AdminProblems.RunAsync(http, actions, ProviderActionExecutor.ReinstateProvider(providerId), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Admin);

        group.MapPost("/providers/{id}/chained-recipients", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<RecipientBody>(http);
            var providerId = AdminProblems.Id(id, "provider");
            var outcome = await actions.RunAsync(http.RequireOperator(),
                ProviderActionExecutor.AddChainedRecipient(providerId, Input(body)), body.Reason ?? "", ct);
            return AdminProblems.Outcome(outcome, result => TypedResults.Created((string?)null, AdminModels.ActionResult(result)));
        }).RequireAuthorization(OperatorPolicies.Admin);

        group.MapPut("/providers/{id}/chained-recipients/{recipientId}", async (HttpContext http, string id, string recipientId, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<RecipientBody>(http);
            var providerId = AdminProblems.Id(id, "provider");
            var recipient = AdminProblems.Id(recipientId, "chained recipient");
            return await AdminProblems.RunAsync(http, actions, ProviderActionExecutor.ChangeChainedRecipient(providerId, recipient, Input(body)), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Admin);

        group.MapDelete("/providers/{id}/chained-recipients/{recipientId}", async (HttpContext http, string id, string recipientId, OperatorActions actions, CancellationToken ct) =>
        {
            // The reason travels in a JSON body here too (RFC 9110 §9.3.5 gives a DELETE body no meaning, but allows one),
            // so every mutation of the admin API takes its reason the same way.
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var providerId = AdminProblems.Id(id, "provider");
            var recipient = AdminProblems.Id(recipientId, "chained recipient");
            return await AdminProblems.RunAsync(http, actions, ProviderActionExecutor.RemoveChainedRecipient(providerId, recipient), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Admin);
        return group;
    }

    private static ChainedRecipientInput Input(RecipientBody body) => new(body.Name, body.NameJa, body.Purpose, body.PurposeJa);
}
