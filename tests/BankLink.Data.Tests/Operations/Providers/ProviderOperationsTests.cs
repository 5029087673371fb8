using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Dashboard;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Domain.Providers;
using BankLink.Protocol.Stores;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using static BankLink.Data.Tests.Operations.Providers.ProviderTestData;

namespace BankLink.Data.Tests.Operations.Providers;

/// <summary>Providers as operators list, inspect, suspend and reinstate them, on real PostgreSQL.</summary>
public sealed class ProviderOperationsTests : ServicesOverDatabase<DemoBankDatabase>
{
    private ProviderOperations Providers => Services.GetRequiredService<ProviderOperations>();

    private ITokenStore Tokens => Services.GetRequiredService<ITokenStore>();

    private Task<string> TokenStatusAsync(Guid id) => Database.ScalarAsync<string>("SELECT status FROM tokens WHERE id = $1", id);

    private Task<long> EventsAsync(string type) =>
        Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = $1 AND provider_id = $2", type, SandboxProvider.Id);

    private async Task<JsonObject> LastDetailAsync(string type)
    {
        var text = await Database.ScalarAsync<string>("SELECT detail FROM audit_events WHERE event_type = $1 ORDER BY id DESC LIMIT 1", type);
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>A customer's link with a live access token, refresh token and unredeemed code, and a client_credentials token.</summary>
    private async Task<(string Client, Guid Grant, Guid Access, byte[] AccessHash, Guid Refresh, byte[] RefreshHash, Guid Code, Guid ProviderToken)> LinkedClientAsync()
    {
        var client = await ClientAsync(Database);
        var now = Clock.GetUtcNow();
        var grant = await GrantAsync(Database, client, await CustomerAsync(Database), now, now.AddDays(90));
        var (access, accessHash) = await TokenAsync(Tokens, client, grant, StoredTokenKind.AccessToken, now, TimeSpan.FromMinutes(5));
        var (refresh, refreshHash) = await TokenAsync(Tokens, client, grant, StoredTokenKind.RefreshToken, now, TimeSpan.FromDays(90));
        var (code, _) = await TokenAsync(Tokens, client, grant, StoredTokenKind.AuthorizationCode, now, TimeSpan.FromSeconds(60));
        var (providerToken, _) = await TokenAsync(Tokens, client, null, StoredTokenKind.AccessToken, now, TimeSpan.FromMinutes(5));
        return (client, grant, access, accessHash, refresh, refreshHash, code, providerToken);
    }

    [Fact]
    public async Task List_CountsClientsNotDeletedAndLinksStandingNow()
    {
        var client = await ClientAsync(Database);
        await ClientAsync(Database, status: "deleted");
        var customer = await CustomerAsync(Database);
        var now = Clock.GetUtcNow();
        await GrantAsync(Database, client, customer, now.AddDays(-1), now.AddDays(89));
        await GrantAsync(Database, client, customer, now.AddDays(-1), now.AddDays(89), revokedAt: now.AddHours(-1));
        await GrantAsync(Database, client, customer, now.AddDays(-91), now.AddDays(-1));

        var providers = await Providers.ListAsync(Viewer, CancellationToken.None);

        var sandbox = Assert.Single(providers, p => p.Id == SandboxProvider.Id);
        Assert.Equal("サンドボックス家計簿", sandbox.NameJa);
        Assert.Equal(ProviderStatus.Active, sandbox.Status);
        Assert.True(sandbox.IsSandbox);
        Assert.Equal(1, sandbox.ClientCount);
        Assert.Equal(1, sandbox.ActiveLinkCount);
    }

    [Fact]
    public async Task ListAndGet_UnknownRole_Forbidden()
    {
        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.ListAsync(Nobody, CancellationToken.None));
        Assert.Equal("forbidden", error.Code);
        Assert.Equal("forbidden", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.GetAsync(Nobody, SandboxProvider.Id, CancellationToken.None))).Code);
    }

    [Fact]
    public async Task Get_UnknownProvider_NotFound()
    {
        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.GetAsync(Viewer, Guid.NewGuid(), CancellationToken.None));

        Assert.Equal("not_found", error.Code);
    }

    [Fact]
    public async Task Get_ClientsRecipientsLinksTrafficAndOnboardingTokens()
    {
        var (client, _, _, _, _, _, _, _) = await LinkedClientAsync();
        var unnamed = await ClientAsync(Database, name: null);
        var counter = Services.GetRequiredService<RefusalCounter>();
        Clock.Advance(TimeSpan.FromHours(-2));
        for (var i = 0; i < 10; i++)
        {
            counter.RecordRequest(client);
        }

        counter.Record(client, RefusalReason.Expired);
        Clock.Advance(TimeSpan.FromHours(2));
        for (var i = 0; i < 4; i++)
        {
            counter.RecordRequest(client);
        }

        counter.Record(client, RefusalReason.WrongSender);
        counter.Record(client, RefusalReason.Revoked);
        counter.Record("another-providers-client", RefusalReason.Revoked);
        await counter.FlushAsync(CancellationToken.None);
        var issued = await Services.GetRequiredService<OnboardingTokenOperations>().IssueAsync(Admin, SandboxProvider.Id, "山田 太郎", Reason, CancellationToken.None);

        var details = await Providers.GetAsync(Viewer, SandboxProvider.Id, CancellationToken.None);

        Assert.Equal("BankLink Sandbox Household Budget", details.Name);
        Assert.Equal(1, details.ActiveLinkCount);
        var registered = Assert.Single(details.Clients, c => c.ClientId == client);
        Assert.Equal("家計簿アプリ", registered.Name);
        Assert.Equal(ProviderClientStatus.Active, registered.Status);
        Assert.Equal(Clock.GetUtcNow(), registered.LastTokenIssuedAt);
        var bare = Assert.Single(details.Clients, c => c.ClientId == unnamed);
        Assert.Equal(unnamed, bare.Name);
        Assert.Null(bare.LastTokenIssuedAt);
        Assert.Equal("サンドボックス税理士事務所", Assert.Single(details.ChainedRecipients).NameJa);

        Assert.Equal(24, details.Traffic.Count);
        Assert.Equal(StatisticsTime.HourOf(Clock.GetUtcNow()), details.Traffic[^1].Start);
        Assert.Equal((4, 2), (details.Traffic[^1].Requests, details.Traffic[^1].Refusals));
        Assert.Equal(0.5, details.Traffic[^1].ErrorRate);
        Assert.Equal(1, details.Traffic[^1].RefusalsByReason[RefusalReason.WrongSender]);
        Assert.Equal((10, 1), (details.Traffic[^3].Requests, details.Traffic[^3].RefusalsByReason[RefusalReason.Expired]));
        Assert.Null(details.Traffic[0].ErrorRate);
        Assert.Equal(3.0 / 14, details.ErrorRate24h);

        var token = Assert.Single(details.OnboardingTokens, t => t.Id == issued.View.Id);
        Assert.Equal(OnboardingTokenState.Valid, token.State);
    }

    [Fact]
    public async Task Suspend_ViewerOrOperator_ForbiddenAndNothingChanges()
    {
        var link = await LinkedClientAsync();

        foreach (var actor in new[] { Viewer, Operator, Nobody })
        {
            var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.SuspendAsync(actor, SandboxProvider.Id, Reason, false, CancellationToken.None));
            Assert.Equal("forbidden", error.Code);
        }

        Assert.Equal("active", await Database.ScalarAsync<string>("SELECT status FROM providers WHERE id = $1", SandboxProvider.Id));
        Assert.Equal("active", await TokenStatusAsync(link.Access));
        Assert.Equal(0, await EventsAsync(ProviderOperationEvents.ProviderSuspended));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ok   ")]
    [InlineData("line\nbreak reason")]
    public async Task Suspend_BadReason_InvalidReason(string? reason)
    {
        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.SuspendAsync(Admin, SandboxProvider.Id, reason, false, CancellationToken.None));

        Assert.Equal("invalid_reason", error.Code);
        Assert.Equal("active", await Database.ScalarAsync<string>("SELECT status FROM providers WHERE id = $1", SandboxProvider.Id));
    }

    [Fact]
    public async Task Suspend_UnknownProvider_NotFound()
    {
        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.SuspendAsync(Admin, Guid.NewGuid(), Reason, false, CancellationToken.None));

        Assert.Equal("not_found", error.Code);
    }

    [Fact]
    public async Task Suspend_AccessTokensAndCodesRevoked_RefreshTokensAndGrantsKept_EveryLookupRefused()
    {
        var link = await LinkedClientAsync();
        await Database.ExecuteAsync("""
            INSERT INTO pushed_requests (request_uri_hash, client_id, parameters, created_at, expires_at)
            VALUES (sha256('pending'::bytea), $1, '{}', now(), now() + interval '60 seconds')
            """, link.Client);

        var result = await Providers.SuspendAsync(Admin, SandboxProvider.Id, "  " + Reason + " ", false, CancellationToken.None);

        Assert.Equal([link.Client], result.ClientsSuspended);
        Assert.Equal((2, 1, 0, 1), (result.AccessTokensRevoked, result.AuthorizationCodesRevoked, result.RefreshTokensRevoked, result.PushedRequestsRemoved));
        Assert.Equal("suspended", await Database.ScalarAsync<string>("SELECT status FROM providers WHERE id = $1", SandboxProvider.Id));
        Assert.Equal("suspended", await Database.ScalarAsync<string>("SELECT status FROM clients WHERE client_id = $1", link.Client));
        Assert.Equal("revoked", await TokenStatusAsync(link.Access));
        Assert.Equal("revoked", await TokenStatusAsync(link.Code));
        Assert.Equal("revoked", await TokenStatusAsync(link.ProviderToken));
        Assert.Equal("active", await TokenStatusAsync(link.Refresh));
        Assert.Equal("active", await Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", link.Grant));

        // The resource API's check (provider and client with the token) and client authentication both refuse.
        var access = await Tokens.FindByHashAsync(link.AccessHash, CancellationToken.None);
        Assert.Equal(StoredTokenStatus.Revoked, access!.Status);
        Assert.False(access.Grant!.ProviderAndClientActive);
        Assert.False((await Tokens.FindByHashAsync(link.RefreshHash, CancellationToken.None))!.Grant!.ProviderAndClientActive);
        Assert.Null(await Services.GetRequiredService<IClientStore>().FindAsync(link.Client, CancellationToken.None));

        Assert.Equal(1, await EventsAsync(ProviderOperationEvents.ProviderSuspended));
        Assert.Equal("operator", await Database.ScalarAsync<string>("SELECT actor_kind FROM audit_events WHERE event_type = 'provider_suspended'"));
        Assert.Equal(Admin.LoginId, await Database.ScalarAsync<string>("SELECT actor_id FROM audit_events WHERE event_type = 'provider_suspended'"));
        var detail = await LastDetailAsync(ProviderOperationEvents.ProviderSuspended);
        Assert.Equal(Reason, (string?)detail["reason"]);
        Assert.True((bool)detail["refreshTokensKept"]!);
        Assert.Equal(2, (int)detail["accessTokensRevoked"]!);
        Assert.True((await Services.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task Suspend_OnboardingTokensOpenNothingWhileSuspended()
    {
        var (token, _) = await Services.GetRequiredService<OnboardingTokenStore>().IssueAsync(SandboxProvider.Id, "山田 太郎", "test", CancellationToken.None);

        await Providers.SuspendAsync(Admin, SandboxProvider.Id, Reason, false, CancellationToken.None);

        Assert.Null(await Services.GetRequiredService<OnboardingTokenStore>().FindUsableAsync(token.Value, CancellationToken.None));
        await Providers.ReinstateAsync(Admin, SandboxProvider.Id, Reason, CancellationToken.None);
        Assert.NotNull(await Services.GetRequiredService<OnboardingTokenStore>().FindUsableAsync(token.Value, CancellationToken.None));
    }

    [Fact]
    public async Task Suspend_WithRefreshTokens_EveryTokenRevoked()
    {
        var link = await LinkedClientAsync();

        var result = await Providers.SuspendAsync(Admin, SandboxProvider.Id, Reason, revokeRefreshTokens: true, CancellationToken.None);

        Assert.Equal(1, result.RefreshTokensRevoked);
        Assert.Equal("revoked", await TokenStatusAsync(link.Refresh));
        Assert.Equal("active", await Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", link.Grant));
        Assert.False((bool)(await LastDetailAsync(ProviderOperationEvents.ProviderSuspended))["refreshTokensKept"]!);
    }

    [Fact]
    public async Task Suspend_Twice_ConflictAndOneEvent()
    {
        await Providers.SuspendAsync(Admin, SandboxProvider.Id, Reason, false, CancellationToken.None);

        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.SuspendAsync(Admin, SandboxProvider.Id, Reason, false, CancellationToken.None));

        Assert.Equal("conflict", error.Code);
        Assert.Equal(1, await EventsAsync(ProviderOperationEvents.ProviderSuspended));
    }

    [Fact]
    public async Task Reinstate_ClientsBackRefreshTokenStandsAccessTokenStaysRevoked()
    {
        var link = await LinkedClientAsync();
        var deleted = await ClientAsync(Database, status: "deleted");
        await Providers.SuspendAsync(Admin, SandboxProvider.Id, Reason, false, CancellationToken.None);

        var reinstated = await Providers.ReinstateAsync(Admin, SandboxProvider.Id, "Ticket OPS-1235: keys rotated, contract renewed", CancellationToken.None);

        Assert.Equal([link.Client], reinstated);
        Assert.Equal("active", await Database.ScalarAsync<string>("SELECT status FROM providers WHERE id = $1", SandboxProvider.Id));
        Assert.Equal("deleted", await Database.ScalarAsync<string>("SELECT status FROM clients WHERE client_id = $1", deleted));
        Assert.NotNull(await Services.GetRequiredService<IClientStore>().FindAsync(link.Client, CancellationToken.None));
        var refresh = await Tokens.FindByHashAsync(link.RefreshHash, CancellationToken.None);
        Assert.True(refresh!.Grant!.ProviderAndClientActive);
        Assert.True(refresh.IsActiveAt(Clock.GetUtcNow()));
        Assert.Equal(StoredTokenStatus.Revoked, (await Tokens.FindByHashAsync(link.AccessHash, CancellationToken.None))!.Status);
        Assert.Equal(1, await EventsAsync(ProviderOperationEvents.ProviderReinstated));
        Assert.Equal("Ticket OPS-1235: keys rotated, contract renewed", (string?)(await LastDetailAsync(ProviderOperationEvents.ProviderReinstated))["reason"]);
    }

    [Fact]
    public async Task Reinstate_ActiveProvider_Conflict()
    {
        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.ReinstateAsync(Admin, SandboxProvider.Id, Reason, CancellationToken.None));

        Assert.Equal("conflict", error.Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.ReinstateAsync(Admin, Guid.NewGuid(), Reason, CancellationToken.None))).Code);
        Assert.Equal("forbidden", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.ReinstateAsync(Operator, SandboxProvider.Id, Reason, CancellationToken.None))).Code);
    }
}
