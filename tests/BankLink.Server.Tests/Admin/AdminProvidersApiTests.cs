using System.Net;
using BankLink.DemoBank;

namespace BankLink.Server.Tests.Admin;

/// <summary>
/// Providers over the admin API (issue 6 "Providers: list, details ..., suspend and reinstate (suspension kills every
/// token of the provider at once), edit chained recipients"), with the four-eyes rule the bank has by default for
/// suspension.
/// </summary>
public sealed class AdminProvidersApiTests : AdminApiTestBase
{
    private static readonly string Sandbox = SandboxProvider.Id.ToString();

    [Fact]
    public async Task ListAndGet_AnyRole_SandboxWithItsClientAndLinks()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        await ResourceApiTests.LinkAsync(provider);

        var list = await GetAsync("ListProviders", "/admin/v1/providers", Viewer);
        var page = await GetAsync("GetProvider", $"/admin/v1/providers/{Sandbox}", Viewer);

        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains(list.Json.GetProperty("providers").EnumerateArray(), p => p.GetProperty("id").GetString() == Sandbox);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("active", page.Json.GetProperty("status").GetString());
        Assert.Contains(page.Json.GetProperty("clients").EnumerateArray(), c => c.GetProperty("clientId").GetString() == provider.ClientId);
        Assert.True(page.Json.GetProperty("activeLinkCount").GetInt32() >= 1);
        Assert.Equal(24, page.Json.GetProperty("traffic").GetArrayLength());
        AssertRefused(await GetAsync("GetProvider", $"/admin/v1/providers/{Guid.NewGuid()}", Viewer), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await GetAsync("ListProviders", "/admin/v1/providers", null), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Suspend_FourEyes_Pending_SameAdmin409_SecondAdminExecutes_TokenRefusedAtOnce_ReinstateResumes()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        var token = await ResourceApiTests.LinkAsync(provider);
        var path = $"/admin/v1/providers/{Sandbox}/suspend";

        AssertRefused(await PostAsync("SuspendProvider", path, Operator, Reason()), HttpStatusCode.Forbidden, "forbidden");
        var pending = await PostAsync("SuspendProvider", path, Admin, new { reason = "provider reported a breach", revokeRefreshTokens = false });

        Assert.Equal(HttpStatusCode.Accepted, pending.Status);
        var id = pending.Json.GetProperty("id").GetGuid();
        Assert.Equal($"/admin/v1/approvals/{id}", pending.Message.Headers.Location!.OriginalString);
        Assert.Equal("provider_suspend", pending.Json.GetProperty("action").GetString());
        Assert.Equal("admin", pending.Json.GetProperty("requiredRole").GetString());
        Assert.True(pending.Json.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(23));
        await AssertTokenWorksAsync(provider, token);

        var listed = await GetAsync("ListApprovals", "/admin/v1/approvals", Viewer);
        Assert.Contains(listed.Json.GetProperty("approvals").EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);

        AssertRefused(await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", Admin, Reason("approving my own request")),
            HttpStatusCode.Conflict, "same_operator");
        AssertRefused(await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", Operator, Reason("an operator is not enough")),
            HttpStatusCode.Forbidden, "forbidden");
        AssertRefused(await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", Viewer, Reason("a viewer decides nothing")),
            HttpStatusCode.Forbidden, "forbidden");
        await AssertTokenWorksAsync(provider, token);

        var approved = await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", SecondAdmin, Reason("confirmed with the provider's CISO"));

        Assert.Equal(HttpStatusCode.OK, approved.Status);
        var result = approved.Json.GetProperty("result");
        Assert.Equal("provider_suspend", result.GetProperty("action").GetString());
        Assert.Contains(provider.ClientId, result.GetProperty("clientsSuspended").EnumerateArray().Select(c => c.GetString()));
        Assert.True(result.GetProperty("accessTokensRevoked").GetInt32() >= 1);
        Assert.Equal("approved", approved.Json.GetProperty("approval").GetProperty("status").GetString());
        await AssertTokenRefusedAsync(provider, token);

        var twice = await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", SecondAdmin, Reason("clicked twice"));
        AssertRefused(twice, HttpStatusCode.Conflict, "conflict");
        Assert.DoesNotContain("refused when it ran", twice.ToString(), StringComparison.Ordinal);
        var third = await OperatorTestAccounts.CreateAsync(App, Domain.Operators.OperatorRole.Admin);
        AssertRefused(await PostAsync("ApproveApproval", $"/admin/v1/approvals/{id}/approve", third, Reason("a third admin")), HttpStatusCode.Conflict, "conflict");
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'provider_suspended'"));

        var shown = await GetAsync("GetApproval", $"/admin/v1/approvals/{id}", Viewer);
        Assert.Equal("done", shown.Json.GetProperty("executionOutcome").GetString());
        Assert.Equal(SecondAdmin.LoginId, shown.Json.GetProperty("decidedBy").GetString());

        var reinstated = await PostAsync("ReinstateProvider", $"/admin/v1/providers/{Sandbox}/reinstate", Admin, Reason("breach contained"));
        Assert.Equal(HttpStatusCode.OK, reinstated.Status);
        Assert.Contains(provider.ClientId, reinstated.Json.GetProperty("clientsReinstated").EnumerateArray().Select(c => c.GetString()));
        AssertRefused(await PostAsync("ReinstateProvider", $"/admin/v1/providers/{Sandbox}/reinstate", Admin, Reason("again")), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Suspend_Rejected_NothingHappens_RequesterMayWithdraw()
    {
        var provider = await ProviderClient.RegisterAsync(App);
        var token = await ResourceApiTests.LinkAsync(provider);
        var path = $"/admin/v1/providers/{Sandbox}/suspend";

        var first = (await PostAsync("SuspendProvider", path, Admin, Reason("provider reported a breach"))).Json.GetProperty("id").GetGuid();
        var rejected = await PostAsync("RejectApproval", $"/admin/v1/approvals/{first}/reject", SecondAdmin, Reason("false alarm, checked"));

        Assert.Equal(HttpStatusCode.OK, rejected.Status);
        Assert.Equal("rejected", rejected.Json.GetProperty("status").GetString());
        AssertRefused(await PostAsync("ApproveApproval", $"/admin/v1/approvals/{first}/approve", SecondAdmin, Reason("too late now")), HttpStatusCode.Conflict, "conflict");
        await AssertTokenWorksAsync(provider, token);

        var second = (await PostAsync("SuspendProvider", path, Admin, Reason("provider reported a breach"))).Json.GetProperty("id").GetGuid();
        AssertRefused(await PostAsync("RejectApproval", $"/admin/v1/approvals/{second}/reject", Operator, Reason("not mine to decide")), HttpStatusCode.Forbidden, "forbidden");
        var withdrawn = await PostAsync("RejectApproval", $"/admin/v1/approvals/{second}/reject", Admin, Reason("asked by mistake"));
        Assert.Equal(HttpStatusCode.OK, withdrawn.Status);
        AssertRefused(await PostAsync("RejectApproval", $"/admin/v1/approvals/{Guid.NewGuid()}/reject", Admin, Reason("nothing there")), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await GetAsync("GetApproval", $"/admin/v1/approvals/{Guid.NewGuid()}", Viewer), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'provider_suspended'"));
    }

    [Fact]
    public async Task Suspend_UnknownProvider_404_BadBody_400()
    {
        AssertRefused(await PostAsync("SuspendProvider", $"/admin/v1/providers/{Guid.NewGuid()}/suspend", Admin, Reason()), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await PostAsync("SuspendProvider", $"/admin/v1/providers/{Sandbox}/suspend", Admin, new { reason = "breach", revokeRefreshTokens = "yes" }),
            HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await PostAsync("SuspendProvider", $"/admin/v1/providers/{Sandbox}/suspend", Admin, new { reason = "breach reported", revokeRefreshToken = true }),
            HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM pending_operator_actions"));
    }

    [Fact]
    public async Task ChainedRecipients_AddChangeRemove_ConsentDataChanges_DuplicateAndUnknown()
    {
        var path = $"/admin/v1/providers/{Sandbox}/chained-recipients";
        var recipient = new { reason = "contract signed 2026-11", name = "Tax Helper Inc.", nameJa = "タックスヘルパー株式会社", purpose = "Tax filing", purposeJa = "確定申告" };

        AssertRefused(await PostAsync("AddChainedRecipient", path, Operator, recipient), HttpStatusCode.Forbidden, "forbidden");
        var added = await PostAsync("AddChainedRecipient", path, Admin, recipient);

        Assert.Equal(HttpStatusCode.Created, added.Status);
        var id = added.Json.GetProperty("recipient").GetProperty("id").GetGuid();
        AssertRefused(await PostAsync("AddChainedRecipient", path, Admin, recipient), HttpStatusCode.Conflict, "conflict");
        AssertRefused(await PostAsync("AddChainedRecipient", path, Admin, recipient with { name = "" }), HttpStatusCode.BadRequest, "invalid_request");

        var changed = await SendAsync("ChangeChainedRecipient", HttpMethod.Put, $"{path}/{id}", Admin, recipient with { purpose = "Tax filing and advice" });
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal("Tax filing and advice", changed.Json.GetProperty("recipient").GetProperty("purpose").GetString());
        AssertRefused(await SendAsync("ChangeChainedRecipient", HttpMethod.Put, $"{path}/{Guid.NewGuid()}", Admin, recipient), HttpStatusCode.NotFound, "not_found");

        var page = await GetAsync("GetProvider", $"/admin/v1/providers/{Sandbox}", Viewer);
        Assert.Contains(page.Json.GetProperty("chainedRecipients").EnumerateArray(), r => r.GetProperty("id").GetGuid() == id);

        var removed = await SendAsync("RemoveChainedRecipient", HttpMethod.Delete, $"{path}/{id}", Admin, Reason("contract ended"));
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, removed.Json.GetProperty("recipient").ValueKind);
        AssertRefused(await SendAsync("RemoveChainedRecipient", HttpMethod.Delete, $"{path}/{id}", Admin, Reason("contract ended")), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await SendAsync("RemoveChainedRecipient", HttpMethod.Delete, $"{path}/{id}", Admin.ApiKey), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Equal(3, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'chained_recipients_changed'"));
    }
}
