using System.Net;

namespace BankLink.Server.Tests.Admin;

/// <summary>
/// Customers over the admin API (issue 6 "Find a customer ... revoke one link, one account of a link, or all links;
/// lift a stop; deregister an OTP token"; "Record an account closure or stop").
/// </summary>
public sealed class AdminCustomersApiTests : AdminApiTestBase
{
    [Theory]
    [InlineData("loginId=TANAKA01")]
    [InlineData("customerNumber=1000000001")]
    [InlineData("accountNumber=001-0123456")]
    [InlineData("accountNumber=0123456")]
    public async Task Search_ByEachKey_FindsTheCustomer(string query)
    {
        var found = await GetAsync("SearchCustomers", "/admin/v1/customers?" + query, Viewer);

        Assert.Equal(HttpStatusCode.OK, found.Status);
        var customer = Assert.Single(found.Json.GetProperty("customers").EnumerateArray());
        Assert.Equal("tanaka01", customer.GetProperty("loginId").GetString());
        Assert.Equal("active", customer.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Search_NoMatch_EmptyList()
    {
        var found = await GetAsync("SearchCustomers", "/admin/v1/customers?loginId=nobody99", Viewer);

        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Empty(found.Json.GetProperty("customers").EnumerateArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("?loginId=tanaka01&customerNumber=1000000001")]
    [InlineData("?loginId=tanaka01&loginId=suzuki02")]
    [InlineData("?name=tanaka")]
    [InlineData("?customerNumber=abc")]
    [InlineData("?accountNumber=12")]
    public async Task Search_NoneTwoUnknownDuplicateOrMalformed_400(string query)
    {
        AssertRefused(await GetAsync("SearchCustomers", "/admin/v1/customers" + query, Viewer), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task GetCustomer_WithALink_ShowsRegistrationLinksTokensAndMaskedNumbers()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        await ResourceApiTests.LinkAsync(provider, accounts: 2);
        var customerId = await CustomerIdAsync();

        var page = await GetAsync("GetCustomer", $"/admin/v1/customers/{customerId}", Viewer);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var json = page.Json;
        Assert.Equal("tanaka01", json.GetProperty("customer").GetProperty("loginId").GetString());
        Assert.Equal("valid", json.GetProperty("registration").GetProperty("state").GetString());
        var link = Assert.Single(json.GetProperty("activeLinks").EnumerateArray());
        Assert.Equal(2, link.GetProperty("accounts").GetArrayLength());
        Assert.Equal(["balance", "transactions"], link.GetProperty("functions").EnumerateArray().Select(f => f.GetString()).Order(StringComparer.Ordinal));
        Assert.Contains(json.GetProperty("otpTokens").EnumerateArray(), t => t.GetProperty("serialNumber").GetString() == "9000000001");
        Assert.DoesNotContain("0123456", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    [InlineData("not-a-uuid")]
    public async Task GetCustomer_UnknownOrMalformedId_404(string id)
    {
        AssertRefused(await GetAsync("GetCustomer", $"/admin/v1/customers/{id}", Viewer), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task RevokeLink_ByOperator_TokenRefusedAtOnce_AuditedWithReason()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        var token = await ResourceApiTests.LinkAsync(provider);
        await AssertTokenWorksAsync(provider, token);
        var customerId = await CustomerIdAsync();
        var grantId = await LatestGrantAsync(provider);

        var revoked = await PostAsync("RevokeLink", $"/admin/v1/customers/{customerId}/links/{grantId}/revoke", Operator, Reason("customer called: phone stolen"));

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal("revoke_link", revoked.Json.GetProperty("action").GetString());
        Assert.Equal(grantId, revoked.Json.GetProperty("linksRevoked")[0].GetGuid());
        await AssertTokenRefusedAsync(provider, token);
        Assert.Equal("customer called: phone stolen", await Database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'reason' FROM audit_events WHERE event_type = 'link_revoked' AND grant_id = $1 AND actor_kind = 'operator'", grantId));

        // Again: the link has ended.
        var again = await PostAsync("RevokeLink", $"/admin/v1/customers/{customerId}/links/{grantId}/revoke", Operator, Reason());
        Assert.True(again.Status is HttpStatusCode.NotFound or HttpStatusCode.Conflict, again.ToString());
    }

    [Fact]
    public async Task RevokeLink_Refusals_401_403_400_415_404()
    {
        var customerId = await CustomerIdAsync();
        var path = $"/admin/v1/customers/{customerId}/links/{Guid.NewGuid()}/revoke";

        AssertRefused(await PostAsync("RevokeLink", path, null, Reason()), HttpStatusCode.Unauthorized, "unauthorized");
        AssertRefused(await PostAsync("RevokeLink", path, Viewer, Reason()), HttpStatusCode.Forbidden, "forbidden");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, new { }), HttpStatusCode.BadRequest, "invalid_reason");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, Reason("why")), HttpStatusCode.BadRequest, "invalid_reason");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, Reason("two\nlines here")), HttpStatusCode.BadRequest, "invalid_reason");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, Reason(new string('x', 501))), HttpStatusCode.BadRequest, "invalid_reason");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, "{\"reason\": \"unterminated"), HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, "[]"), HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, "null"), HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, "{\"reason\": 12345}"), HttpStatusCode.BadRequest, "invalid_request");
        var unknownMember = await PostAsync("RevokeLink", path, Operator, new { reason = "a good reason", force = true });
        AssertRefused(unknownMember, HttpStatusCode.BadRequest, "invalid_request");
        var malformed = await PostAsync("RevokeLink", path, Operator, "{\"reason\": \"a good reason\",}");
        AssertRefused(malformed, HttpStatusCode.BadRequest, "invalid_request");
        foreach (var detail in new[] { unknownMember, malformed }.Select(r => r.Json.GetProperty("detail").GetString()!))
        {
            Assert.DoesNotContain("BankLink.", detail, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        }

        AssertRefused(await SendAsync("RevokeLink", HttpMethod.Post, path, Operator, "reason=a+good+reason", "application/x-www-form-urlencoded"),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        AssertRefused(await SendAsync("RevokeLink", HttpMethod.Post, path, Operator.ApiKey), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        AssertRefused(await PostAsync("RevokeLink", path, Operator, Reason()), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await PostAsync("RevokeLink", $"/admin/v1/customers/{Guid.NewGuid()}/links/{Guid.NewGuid()}/revoke", Operator, Reason()),
            HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'link_revoked'"));
    }

    [Fact]
    public async Task RemoveLinkAccount_OneAccount_ProviderLosesItOnly_LastAccountEndsTheLink()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        var token = await ResourceApiTests.LinkAsync(provider, accounts: 2);
        var customerId = await CustomerIdAsync();
        var grantId = await LatestGrantAsync(provider);
        var accounts = (await Database.ScalarAsync<Guid[]>("SELECT array_agg(account_id ORDER BY account_id) FROM grant_accounts WHERE grant_id = $1", grantId));

        var reduced = await PostAsync("RemoveLinkAccount", $"/admin/v1/customers/{customerId}/links/{grantId}/accounts/{accounts[0]}/remove", Operator, Reason());

        Assert.Equal(HttpStatusCode.OK, reduced.Status);
        Assert.Equal(grantId, reduced.Json.GetProperty("linksReduced")[0].GetGuid());
        var listed = await ResourceApiTests.CallAsync(provider, "ListAccounts", "/accounts", token);
        Assert.Equal(1, listed.Json.GetProperty("accounts").GetArrayLength());

        var ended = await PostAsync("RemoveLinkAccount", $"/admin/v1/customers/{customerId}/links/{grantId}/accounts/{accounts[1]}/remove", Operator, Reason());
        Assert.Equal(HttpStatusCode.OK, ended.Status);
        Assert.Equal(grantId, ended.Json.GetProperty("linksRevoked")[0].GetGuid());
        await AssertTokenRefusedAsync(provider, token);

        AssertRefused(await PostAsync("RemoveLinkAccount", $"/admin/v1/customers/{customerId}/links/{grantId}/accounts/{Guid.NewGuid()}/remove", Operator, Reason()),
            HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task RevokeAllLinks_FourEyesByDefault_202Pending_NothingChangedUntilApproved()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        var token = await ResourceApiTests.LinkAsync(provider);
        var customerId = await CustomerIdAsync();
        var second = await OperatorTestAccounts.CreateAsync(App, Domain.Operators.OperatorRole.Operator);

        var pending = await PostAsync("RevokeAllLinks", $"/admin/v1/customers/{customerId}/links/revoke-all", Operator, Reason("fraud suspected, case 99"));

        Assert.Equal(HttpStatusCode.Accepted, pending.Status);
        var approvalId = pending.Json.GetProperty("id").GetGuid();
        Assert.Equal($"/admin/v1/approvals/{approvalId}", pending.Message.Headers.Location!.OriginalString);
        Assert.Equal("revoke_all_links", pending.Json.GetProperty("action").GetString());
        Assert.Equal("pending", pending.Json.GetProperty("status").GetString());
        await AssertTokenWorksAsync(provider, token);

        var approved = await PostAsync("ApproveApproval", $"/admin/v1/approvals/{approvalId}/approve", second, Reason("checked with the fraud team"));

        Assert.Equal(HttpStatusCode.OK, approved.Status);
        Assert.Equal("revoke_all_links", approved.Json.GetProperty("result").GetProperty("action").GetString());
        Assert.Equal("done", approved.Json.GetProperty("approval").GetProperty("executionOutcome").GetString());
        Assert.Equal(second.LoginId, approved.Json.GetProperty("approval").GetProperty("executedBy").GetString());
        await AssertTokenRefusedAsync(provider, token);
        Assert.Equal(second.LoginId, await Database.ScalarAsync<string>(
            "SELECT actor_id FROM audit_events WHERE event_type = 'link_revoked' AND customer_id = $1 ORDER BY id DESC LIMIT 1", customerId));
    }

    [Fact]
    public async Task LiftStop_StoppedCustomer_ActiveAgain_NotStopped409_Viewer403()
    {
        await Database.ExecuteAsync("UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = now() WHERE login_id = 'tanaka01'");
        var customerId = await CustomerIdAsync();

        AssertRefused(await PostAsync("LiftStop", $"/admin/v1/customers/{customerId}/lift-stop", Viewer, Reason()), HttpStatusCode.Forbidden, "forbidden");
        var lifted = await PostAsync("LiftStop", $"/admin/v1/customers/{customerId}/lift-stop", Operator, Reason("identity checked at the branch"));

        Assert.Equal(HttpStatusCode.OK, lifted.Status);
        Assert.Equal("lift_stop", lifted.Json.GetProperty("action").GetString());
        Assert.Equal("active", await Database.ScalarAsync<string>("SELECT status FROM customers WHERE id = $1", customerId));
        AssertRefused(await PostAsync("LiftStop", $"/admin/v1/customers/{customerId}/lift-stop", Operator, Reason()), HttpStatusCode.Conflict, "conflict");
        AssertRefused(await PostAsync("LiftStop", $"/admin/v1/customers/{Guid.NewGuid()}/lift-stop", Operator, Reason()), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task DeregisterOtpToken_TheCustomersLast_RetiredAndSaysSo_UnknownSerial404()
    {
        var customerId = await CustomerIdAsync();

        var done = await PostAsync("DeregisterOtpToken", $"/admin/v1/customers/{customerId}/otp-tokens/9000000001/deregister", Operator, Reason("device reported lost"));

        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Equal("9000000001", done.Json.GetProperty("serialNumber").GetString());
        Assert.True(done.Json.GetProperty("customerCannotLogIn").GetBoolean());
        Assert.Equal("retired", await Database.ScalarAsync<string>("SELECT status FROM otp_devices WHERE serial_number = '9000000001'"));
        AssertRefused(await PostAsync("DeregisterOtpToken", $"/admin/v1/customers/{customerId}/otp-tokens/9000000001/deregister", Operator, Reason()),
            HttpStatusCode.NotFound, "not_found");
        AssertRefused(await PostAsync("DeregisterOtpToken", $"/admin/v1/customers/{customerId}/otp-tokens/12/deregister", Operator, Reason()),
            HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task RecordState_Closed_AccountLeavesTheLink_TokenLosesIt_BadState400()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        var token = await ResourceApiTests.LinkAsync(provider, accounts: 2);
        var customerId = await CustomerIdAsync();
        var grantId = await LatestGrantAsync(provider);
        var accountId = await Database.ScalarAsync<Guid>("SELECT account_id FROM grant_accounts WHERE grant_id = $1 ORDER BY account_id LIMIT 1", grantId);
        var path = $"/admin/v1/customers/{customerId}/accounts/{accountId}/record-state";

        AssertRefused(await PostAsync("RecordAccountState", path, Operator, new { reason = "closed at the branch", state = "open" }), HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await PostAsync("RecordAccountState", path, Operator, new { reason = "closed at the branch" }), HttpStatusCode.BadRequest, "invalid_request");
        var recorded = await PostAsync("RecordAccountState", path, Operator, new { reason = "closed at the branch", state = "closed" });

        Assert.Equal(HttpStatusCode.OK, recorded.Status);
        Assert.Equal("closed", recorded.Json.GetProperty("newStatus").GetString());
        Assert.Contains(grantId, recorded.Json.GetProperty("linksChanged").EnumerateArray().Select(g => g.GetGuid()));
        var listed = await ResourceApiTests.CallAsync(provider, "ListAccounts", "/accounts", token);
        Assert.Equal(1, listed.Json.GetProperty("accounts").GetArrayLength());
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts WHERE account_id = $1", accountId));
    }

    [Fact]
    public async Task RecordState_AnotherCustomersAccount_404()
    {
        var suzuki = await CustomerIdAsync("suzuki02");
        var tanakasAccount = await Database.ScalarAsync<Guid>("SELECT id FROM ledger.accounts WHERE customer_number = '1000000001' LIMIT 1");

        AssertRefused(await PostAsync("RecordAccountState", $"/admin/v1/customers/{suzuki}/accounts/{tanakasAccount}/record-state", Operator,
            new { reason = "closed at the branch", state = "frozen" }), HttpStatusCode.NotFound, "not_found");
    }
}
