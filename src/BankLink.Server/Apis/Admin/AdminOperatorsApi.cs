using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>
/// Operators and their API keys (issue 6), admins only: list, add (the password and TOTP seed in that answer only),
/// change role, disable, enable, reset credentials, issue and revoke API keys. These stay on <see cref="OperatorStore"/>
/// and <see cref="OperatorApiKeys"/> directly (not four-eyes): each refuses an admin acting on their own account.
/// </summary>
public static class AdminOperatorsApi
{
    public sealed record AddBody(string? Reason, string? LoginId, string? DisplayName, string? Role);

    public sealed record RoleBody(string? Reason, string? Role);

    public sealed record ApiKeyBody(string? Reason, string? Name, int? ExpiresInDays);

    public static RouteGroupBuilder MapAdminOperatorsApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var operators = group.MapGroup("/operators").RequireAuthorization(OperatorPolicies.Admin);

        operators.MapGet("", async (OperatorStore store, CancellationToken ct) =>
            TypedResults.Ok(new AdminOperatorList([.. (await store.ListAsync(ct)).Select(AdminModels.Operator)])));

        operators.MapGet("/{id}", async (string id, OperatorStore store, CancellationToken ct) =>
            TypedResults.Ok(AdminModels.Operator(await store.FindAsync(AdminProblems.Id(id, "operator"), ct) ?? throw AdminProblems.NotFound("No operator has that id."))));

        operators.MapPost("", async (HttpContext http, OperatorStore store, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<AddBody>(http);
            var credentials = await store.CreateAsync(http.RequireOperator(), body.LoginId ?? "", body.DisplayName ?? "", Role(body.Role), body.Reason ?? "", ct);
            return TypedResults.Created($"{AdminApi.BasePath}/operators/{credentials.Operator.Id}", AdminModels.Credentials(credentials));
        });

        operators.MapPost("/{id}/role", async (HttpContext http, string id, OperatorStore store, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<RoleBody>(http);
            return TypedResults.Ok(AdminModels.Operator(await store.ChangeRoleAsync(http.RequireOperator(), AdminProblems.Id(id, "operator"), Role(body.Role), body.Reason ?? "", ct)));
        });

        operators.MapPost("/{id}/disable", async (HttpContext http, string id, OperatorStore store, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            return TypedResults.Ok(AdminModels.Operator(await store.DisableAsync(http.RequireOperator(), AdminProblems.Id(id, "operator"), body.Reason ?? "", ct)));
        });

        operators.MapPost("/{id}/enable", async (HttpContext http, string id, OperatorStore store, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            return TypedResults.Ok(AdminModels.Operator(await store.ReactivateAsync(http.RequireOperator(), AdminProblems.Id(id, "operator"), body.Reason ?? "", ct)));
        });

        operators.MapPost("/{id}/reset-credentials", async (HttpContext http, string id, OperatorStore store, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            return TypedResults.Ok(AdminModels.Credentials(await store.ResetCredentialsAsync(http.RequireOperator(), AdminProblems.Id(id, "operator"), body.Reason ?? "", ct)));
        });

        operators.MapGet("/{id}/api-keys", async (string id, OperatorStore store, OperatorApiKeys keys, CancellationToken ct) =>
        {
            var operatorId = await ExistingAsync(store, id, ct);
            return TypedResults.Ok(new AdminApiKeyList([.. (await keys.ListAsync(operatorId, ct)).Select(AdminModels.ApiKey)]));
        });

        operators.MapPost("/{id}/api-keys", async (HttpContext http, string id, OperatorStore store, OperatorApiKeys keys, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ApiKeyBody>(http);
            var operatorId = await ExistingAsync(store, id, ct);
            if (body.ExpiresInDays is < 1)
            {
                throw AdminProblems.Invalid("expiresInDays is at least 1.");
            }

            // The command line may issue a key without a reason; the admin API always asks for one ("" is refused).
            var issued = await keys.IssueAsync(http.RequireOperator(), operatorId, body.Name ?? "",
                body.ExpiresInDays is { } days ? TimeSpan.FromDays(days) : null, body.Reason ?? "", ct);
            return TypedResults.Created((string?)null,
                new AdminIssuedApiKey(issued.Id, issued.OperatorId, issued.OperatorLoginId, issued.Name, issued.ExpiresAt, issued.Key));
        });

        operators.MapPost("/{id}/api-keys/{keyId}/revoke", async (HttpContext http, string id, string keyId, OperatorStore store, OperatorApiKeys keys, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var operatorId = await ExistingAsync(store, id, ct);
            var key = AdminProblems.Id(keyId, "API key");
            if (!(await keys.ListAsync(operatorId, ct)).Any(k => k.Id == key))
            {
                throw AdminProblems.NotFound("The operator has no API key with that id.");
            }

            return TypedResults.Ok(AdminModels.ApiKey(await keys.RevokeAsync(http.RequireOperator(), key, body.Reason ?? "", ct)));
        });
        return group;
    }

    private static OperatorRole Role(string? name) =>
        OperatorRoles.TryParse(name, out var role) ? role : throw AdminProblems.Invalid("role is viewer, operator or admin.");

    private static async Task<Guid> ExistingAsync(OperatorStore store, string id, CancellationToken ct)
    {
        var operatorId = AdminProblems.Id(id, "operator");
        return await store.FindAsync(operatorId, ct) is null ? throw AdminProblems.NotFound("No operator has that id.") : operatorId;
    }
}
