using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Accounts;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>
/// Customers (issue 6 "Find a customer"): search and the customer's page for any role; revoking links, lifting a stop,
/// deregistering an OTP token and recording an account closure or stop for the operator role. Mutations go through
/// <see cref="OperatorActions"/>, so four-eyes applies where the bank configures it (202 and an approval).
/// </summary>
public static class AdminCustomersApi
{
    public sealed record RecordStateBody(string? Reason, string? State);

    public static RouteGroupBuilder MapAdminCustomersApi(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapGet("/customers", SearchAsync);
        group.MapGet("/customers/{id}", async (HttpContext http, string id, CustomerDirectory directory, CancellationToken ct) =>
            TypedResults.Ok(AdminModels.Customer(await directory.GetOverviewAsync(http.RequireOperator(), AdminProblems.Id(id, "customer"), ct))));

        group.MapPost("/customers/{id}/links/{grantId}/revoke", async (HttpContext http, string id, string grantId, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var customerId = AdminProblems.Id(id, "customer");
            var grant = AdminProblems.Id(grantId, "link");
            return await AdminProblems.RunAsync(http, actions, CustomerActionExecutor.RevokeLink(customerId, grant, $"link {grant} of customer {customerId}"), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Operator);

        group.MapPost("/customers/{id}/links/{grantId}/accounts/{accountId}/remove",
            async (HttpContext http, string id, string grantId, string accountId, OperatorActions actions, CancellationToken ct) =>
            {
                var body = await AdminRequests.ReadAsync<ReasonBody>(http);
                var customerId = AdminProblems.Id(id, "customer");
                var grant = AdminProblems.Id(grantId, "link");
                var account = AdminProblems.Id(accountId, "account");
                return await AdminProblems.RunAsync(http, actions,
                    CustomerActionExecutor.RemoveLinkAccount(customerId, grant, account, $"account {account} of link {grant} of customer {customerId}"), body.Reason, ct);
            }).RequireAuthorization(OperatorPolicies.Operator);

        group.MapPost("/customers/{id}/links/revoke-all", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var customerId = AdminProblems.Id(id, "customer");
            return await AdminProblems.RunAsync(http, actions, CustomerActionExecutor.RevokeAllLinks(customerId, $"all links of customer {customerId}"), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Operator);

        group.MapPost("/customers/{id}/lift-stop", async (HttpContext http, string id, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var customerId = AdminProblems.Id(id, "customer");
            return await AdminProblems.RunAsync(http, actions, CustomerActionExecutor.LiftStop(customerId, $"stop of customer {customerId}"), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Operator);

        group.MapPost("/customers/{id}/otp-tokens/{serial}/deregister", async (HttpContext http, string id, string serial, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<ReasonBody>(http);
            var customerId = AdminProblems.Id(id, "customer");
            if (serial.Length is 0 or > 64 || serial.Any(char.IsControl))
            {
                throw AdminProblems.NotFound("The customer has no OTP token with that serial number.");
            }

            return await AdminProblems.RunAsync(http, actions, CustomerActionExecutor.DeregisterOtpToken(customerId, serial, $"OTP token {serial} of customer {customerId}"),
                body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Operator);

        group.MapPost("/customers/{id}/accounts/{accountId}/record-state", async (HttpContext http, string id, string accountId, OperatorActions actions, CancellationToken ct) =>
        {
            var body = await AdminRequests.ReadAsync<RecordStateBody>(http);
            var customerId = AdminProblems.Id(id, "customer");
            var account = AdminProblems.Id(accountId, "account");
            var state = body.State switch
            {
                "closed" => AccountStatus.Closed,
                "frozen" => AccountStatus.Frozen,
                _ => throw AdminProblems.Invalid("state must be closed or frozen."),
            };
            return await AdminProblems.RunAsync(http, actions,
                CustomerActionExecutor.RecordAccountClosure(customerId, account, state, $"account {account} of customer {customerId} ({body.State})"), body.Reason, ct);
        }).RequireAuthorization(OperatorPolicies.Operator);
        return group;
    }

    private static async Task<IResult> SearchAsync(HttpContext http, CustomerDirectory directory, CancellationToken ct)
    {
        var query = AdminRequests.Query(http, "loginId", "customerNumber", "accountNumber");
        if (query.Count != 1)
        {
            throw AdminProblems.Invalid("Search by exactly one of loginId, customerNumber, accountNumber.");
        }

        var (name, term) = query.Single();
        var by = name switch
        {
            "loginId" => CustomerSearchBy.LoginId,
            "customerNumber" => CustomerSearchBy.CustomerNumber,
            _ => CustomerSearchBy.AccountNumber,
        };
        var found = await directory.SearchAsync(http.RequireOperator(), by, term, ct);
        return TypedResults.Ok(new AdminCustomerList([.. found.Select(AdminModels.Customer)]));
    }
}
