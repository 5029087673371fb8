using System.Net;

namespace BankLink.Server.Tests.Admin;

/// <summary>Operators and their API keys over the admin API (issue 6: roles viewer, operator, admin; admins manage operators).</summary>
public sealed class AdminOperatorsApiTests : AdminApiTestBase
{
    [Fact]
    public async Task Add_ChangeRole_Disable_Enable_KeysWorkAndStop()
    {
        AssertRefused(await GetAsync("ListOperators", "/admin/v1/operators", Operator), HttpStatusCode.Forbidden, "forbidden");
        AssertRefused(await PostAsync("AddOperator", "/admin/v1/operators", Operator, new { reason = "new colleague", loginId = "sato", displayName = "Sato", role = "viewer" }),
            HttpStatusCode.Forbidden, "forbidden");

        var added = await PostAsync("AddOperator", "/admin/v1/operators", Admin, new { reason = "new colleague in the call centre", loginId = "sato.k", displayName = "Sato Kenji", role = "viewer" });

        Assert.Equal(HttpStatusCode.Created, added.Status);
        var id = added.Json.GetProperty("operator").GetProperty("id").GetGuid();
        Assert.Equal($"/admin/v1/operators/{id}", added.Message.Headers.Location!.OriginalString);
        Assert.False(string.IsNullOrEmpty(added.Json.GetProperty("password").GetString()));
        Assert.StartsWith("otpauth://", added.Json.GetProperty("otpAuthUri").GetString(), StringComparison.Ordinal);
        AssertRefused(await PostAsync("AddOperator", "/admin/v1/operators", Admin, new { reason = "new colleague in the call centre", loginId = "sato.k", displayName = "Sato", role = "viewer" }),
            HttpStatusCode.Conflict, "conflict");
        AssertRefused(await PostAsync("AddOperator", "/admin/v1/operators", Admin, new { reason = "new colleague", loginId = "ito", displayName = "Ito", role = "root" }),
            HttpStatusCode.BadRequest, "invalid_request");

        var key = await PostAsync("IssueApiKey", $"/admin/v1/operators/{id}/api-keys", Admin, new { reason = "reporting tool", name = "reports", expiresInDays = 7 });
        Assert.Equal(HttpStatusCode.Created, key.Status);
        var apiKey = key.Json.GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GetMe", HttpMethod.Get, "/admin/v1/me", apiKey)).Status);
        var keys = await GetAsync("ListApiKeys", $"/admin/v1/operators/{id}/api-keys", Admin);
        Assert.DoesNotContain(apiKey, keys.Body, StringComparison.Ordinal);
        Assert.Single(keys.Json.GetProperty("apiKeys").EnumerateArray());

        var promoted = await PostAsync("ChangeOperatorRole", $"/admin/v1/operators/{id}/role", Admin, new { reason = "became team lead", role = "operator" });
        Assert.Equal("operator", promoted.Json.GetProperty("role").GetString());
        Assert.Equal("operator", (await SendAsync("GetMe", HttpMethod.Get, "/admin/v1/me", apiKey)).Json.GetProperty("role").GetString());
        AssertRefused(await PostAsync("ChangeOperatorRole", $"/admin/v1/operators/{id}/role", Admin, new { reason = "became team lead", role = "operator" }),
            HttpStatusCode.Conflict, "conflict");

        var disabled = await PostAsync("DisableOperator", $"/admin/v1/operators/{id}/disable", Admin, Reason("left the bank"));
        Assert.Equal("disabled", disabled.Json.GetProperty("status").GetString());
        AssertRefused(await SendAsync("GetMe", HttpMethod.Get, "/admin/v1/me", apiKey), HttpStatusCode.Unauthorized, "unauthorized");
        var enabled = await PostAsync("EnableOperator", $"/admin/v1/operators/{id}/enable", Admin, Reason("came back"));
        Assert.Equal("active", enabled.Json.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GetMe", HttpMethod.Get, "/admin/v1/me", apiKey)).Status);

        var keyId = key.Json.GetProperty("id").GetGuid();
        var revoked = await PostAsync("RevokeApiKey", $"/admin/v1/operators/{id}/api-keys/{keyId}/revoke", Admin, Reason("tool retired"));
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, revoked.Json.GetProperty("revokedAt").ValueKind);
        AssertRefused(await SendAsync("GetMe", HttpMethod.Get, "/admin/v1/me", apiKey), HttpStatusCode.Unauthorized, "unauthorized");
        AssertRefused(await PostAsync("RevokeApiKey", $"/admin/v1/operators/{Admin.Id}/api-keys/{keyId}/revoke", Admin, Reason("wrong operator")),
            HttpStatusCode.NotFound, "not_found");

        var reset = await PostAsync("ResetOperatorCredentials", $"/admin/v1/operators/{id}/reset-credentials", Admin, Reason("lost phone"));
        Assert.Equal(HttpStatusCode.OK, reset.Status);
        Assert.NotEqual(added.Json.GetProperty("password").GetString(), reset.Json.GetProperty("password").GetString());

        var list = await GetAsync("ListOperators", "/admin/v1/operators", Admin);
        Assert.Contains(list.Json.GetProperty("operators").EnumerateArray(), o => o.GetProperty("loginId").GetString() == "sato.k");
        Assert.Equal("sato.k", (await GetAsync("GetOperator", $"/admin/v1/operators/{id}", Admin)).Json.GetProperty("loginId").GetString());
    }

    [Fact]
    public async Task Self_Unknown_AndMissingReason_Refused()
    {
        AssertRefused(await PostAsync("DisableOperator", $"/admin/v1/operators/{Admin.Id}/disable", Admin, Reason("disabling myself")), HttpStatusCode.Conflict, "same_operator");
        AssertRefused(await PostAsync("DisableOperator", $"/admin/v1/operators/{Guid.NewGuid()}/disable", Admin, Reason("nobody")), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await GetAsync("GetOperator", $"/admin/v1/operators/{Guid.NewGuid()}", Admin), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await GetAsync("ListApiKeys", $"/admin/v1/operators/{Guid.NewGuid()}/api-keys", Admin), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await PostAsync("IssueApiKey", $"/admin/v1/operators/{Viewer.Id}/api-keys", Admin, new { name = "reports" }), HttpStatusCode.BadRequest, "invalid_reason");
        AssertRefused(await PostAsync("IssueApiKey", $"/admin/v1/operators/{Viewer.Id}/api-keys", Admin, new { reason = "reporting tool", name = "reports", expiresInDays = 0 }),
            HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await PostAsync("ChangeOperatorRole", $"/admin/v1/operators/{Viewer.Id}/role", Admin, new { role = "admin" }), HttpStatusCode.BadRequest, "invalid_reason");
    }
}
