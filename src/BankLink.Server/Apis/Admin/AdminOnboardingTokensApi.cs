using BankLink.Data.Operations;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.Providers;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>
/// Onboarding tokens (DOMAIN.md "Provider onboarding tokens"; issue 6): a provider's tokens and one token's state for
/// any role; issue, renew and revoke for admins. The secret of an issued or renewed token is in that answer only
/// (<c>Cache-Control: no-store</c>); under four-eyes it is made when the approval executes and goes to the approver.
/// </summary>
public static class AdminOnboardingTokensApi
{
    public sealed record IssueBody(string? Reason, string? PersonName);

    public static RouteGroupBuilder MapAdminOnboardingTokensApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/providers/{id}/onboarding-tokens", async (HttpContext http, string id, OnboardingTokenOperations tokens, CancellationToken ct) =>
            TypedResults.Ok(new AdminOnboardingTokenList(
                [.. (await tokens.ListAsync(http.RequireOperator(), AdminProblems.Id(id, "provider"), ct)).Select(AdminModels.OnboardingToken)])));

        group.MapPost("/providers/{id}/onboarding-tokens", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<IssueBody>(http);
            var providerId = AdminProblems.Id(id, "provider");
            var outcome = await actions.RunAsync(http.RequireOperator(), ProviderActionExecutor.IssueOnboardingToken(providerId, body.PersonName ?? ""), body.Reason ?? "", ct);
            return AdminProblems.Outcome(outcome, Created);
        }).RequireAuthorization(OperatorPolicies.Admin);

        group.MapGet("/onboarding-tokens/{id}", async (HttpContext http, string id, OnboardingTokenOperations tokens, CancellationToken ct) =>
            TypedResults.Ok(AdminModels.OnboardingToken(await tokens.GetAsync(http.RequireOperator(), id, ct))));

        group.MapPost("/onboarding-tokens/{id}/renew", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var outcome = await actions.RunAsync(http.RequireOperator(), ProviderActionExecutor.RenewOnboardingToken(TokenId(id)), body.Reason ?? "", ct);
            return AdminProblems.Outcome(outcome, Created);
        }).RequireAuthorization(OperatorPolicies.Admin);

        group.MapPost("/onboarding-tokens/{id}/revoke", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            return await AdminProblems.RunAsync(http, actions, ProviderActionExecutor.RevokeOnboardingToken(TokenId(id)), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Admin);
        return group;
    }

    /// <summary>A token's id is the 8 letters and digits before '@'; anything else names no token.</summary>
    private static string TokenId(string id) => id.Length == 8 && id.All(char.IsAsciiLetterOrDigit)
        ? id
        : throw AdminProblems.NotFound($"No onboarding token has the id '{AdminProblems.Shorten(id)}'.");

    private static IResult Created(object result)
    {
        var answer = AdminModels.ActionResult(result);
        return answer is AdminIssuedOnboardingTokenResult issued
            ? TypedResults.Created($"{AdminApi.BasePath}/onboarding-tokens/{issued.OnboardingToken.Id}", answer)
            : TypedResults.Ok(answer);
    }
}
