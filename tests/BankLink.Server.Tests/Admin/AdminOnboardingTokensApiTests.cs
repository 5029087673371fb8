using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BankLink.DemoBank;
using BankLink.Jose;

namespace BankLink.Server.Tests.Admin;

/// <summary>
/// Onboarding tokens over the admin API (DOMAIN.md "Provider onboarding tokens"; issue 6 "issue to a named person of
/// a provider, see status (valid, expired, used), renew (new token, fresh 60 days), revoke").
/// </summary>
public sealed class AdminOnboardingTokensApiTests : AdminApiTestBase
{
    private static readonly string Sandbox = SandboxProvider.Id.ToString();

    private async Task<HttpStatusCode> RegisterClientAsync(string onboardingToken)
    {
        var key = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), "client-key", includePrivate: true);
        var metadata = new JsonObject
        {
            ["client_name"] = "Onboarded App",
            ["redirect_uris"] = new JsonArray(ProviderClient.RedirectUri),
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["scope"] = "openid balance",
            ["jwks"] = JsonNode.Parse($$"""{"keys":[{{key.ToPublicJson()}}]}"""),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/register") { Content = new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", onboardingToken);
        return (await App.CreateClient().SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Issue_SecretOnceAndNeverStored_RegistersAClient_ThenUsed_RenewReplacesIt_RevokeStopsIt()
    {
        var path = $"/admin/v1/providers/{Sandbox}/onboarding-tokens";

        var issued = await PostAsync("IssueOnboardingToken", path, Admin, new { reason = "approved staff, form 12", personName = "Hanako Yamada" });

        Assert.Equal(HttpStatusCode.Created, issued.Status);
        var secret = issued.Json.GetProperty("token").GetString()!;
        var id = issued.Json.GetProperty("onboardingToken").GetProperty("id").GetString()!;
        Assert.StartsWith(id + "@", secret, StringComparison.Ordinal);
        Assert.Equal($"/admin/v1/onboarding-tokens/{id}", issued.Message.Headers.Location!.OriginalString);
        Assert.Equal("valid", issued.Json.GetProperty("onboardingToken").GetProperty("state").GetString());
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE position($1 in detail) > 0", secret));

        Assert.Equal(HttpStatusCode.Created, await RegisterClientAsync(secret));
        var used = await GetAsync("GetOnboardingToken", $"/admin/v1/onboarding-tokens/{id}", Viewer);
        Assert.Equal("used", used.Json.GetProperty("state").GetString());
        Assert.Equal(1, used.Json.GetProperty("useCount").GetInt32());
        Assert.DoesNotContain(secret, used.Body, StringComparison.Ordinal);

        var renewed = await PostAsync("RenewOnboardingToken", $"/admin/v1/onboarding-tokens/{id}/renew", Admin, Reason("the person asked for a fresh one"));
        Assert.Equal(HttpStatusCode.Created, renewed.Status);
        var newSecret = renewed.Json.GetProperty("token").GetString()!;
        var newId = renewed.Json.GetProperty("onboardingToken").GetProperty("id").GetString()!;
        Assert.Equal(id, renewed.Json.GetProperty("onboardingToken").GetProperty("renewedFrom").GetString());
        Assert.NotEqual(HttpStatusCode.Created, await RegisterClientAsync(secret));
        AssertRefused(await PostAsync("RenewOnboardingToken", $"/admin/v1/onboarding-tokens/{id}/renew", Admin, Reason("twice")), HttpStatusCode.Conflict, "conflict");

        var list = await GetAsync("ListOnboardingTokens", path, Viewer);
        Assert.Equal(["renewed", "valid"], list.Json.GetProperty("onboardingTokens").EnumerateArray()
            .Where(t => t.GetProperty("id").GetString() is var x && (x == id || x == newId)).Select(t => t.GetProperty("state").GetString()).Order(StringComparer.Ordinal));

        var revoked = await PostAsync("RevokeOnboardingToken", $"/admin/v1/onboarding-tokens/{newId}/revoke", Admin, Reason("the person left the provider"));
        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal("revoked", revoked.Json.GetProperty("onboardingToken").GetProperty("state").GetString());
        Assert.NotEqual(HttpStatusCode.Created, await RegisterClientAsync(newSecret));
        AssertRefused(await PostAsync("RevokeOnboardingToken", $"/admin/v1/onboarding-tokens/{newId}/revoke", Admin, Reason("again please")), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Refusals_ViewerOperator403_NoPerson400_UnknownProviderOrToken404()
    {
        var path = $"/admin/v1/providers/{Sandbox}/onboarding-tokens";
        var body = new { reason = "approved staff, form 12", personName = "Hanako Yamada" };

        AssertRefused(await PostAsync("IssueOnboardingToken", path, Viewer, body), HttpStatusCode.Forbidden, "forbidden");
        AssertRefused(await PostAsync("IssueOnboardingToken", path, Operator, body), HttpStatusCode.Forbidden, "forbidden");
        AssertRefused(await PostAsync("IssueOnboardingToken", path, Admin, new { reason = "approved staff, form 12" }), HttpStatusCode.BadRequest, "invalid_request");
        AssertRefused(await PostAsync("IssueOnboardingToken", path, Admin, new { personName = "Hanako Yamada" }), HttpStatusCode.BadRequest, "invalid_reason");
        AssertRefused(await PostAsync("IssueOnboardingToken", $"/admin/v1/providers/{Guid.NewGuid()}/onboarding-tokens", Admin, body), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await GetAsync("ListOnboardingTokens", $"/admin/v1/providers/{Guid.NewGuid()}/onboarding-tokens", Viewer), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await GetAsync("GetOnboardingToken", "/admin/v1/onboarding-tokens/zzzz9999", Viewer), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await GetAsync("GetOnboardingToken", "/admin/v1/onboarding-tokens/x", Viewer), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await PostAsync("RenewOnboardingToken", "/admin/v1/onboarding-tokens/zzzz9999/renew", Admin, Reason()), HttpStatusCode.NotFound, "not_found");
        AssertRefused(await PostAsync("RevokeOnboardingToken", "/admin/v1/onboarding-tokens/zzzz9999/revoke", Admin, Reason()), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'onboarding_token_issued'"));
    }
}
