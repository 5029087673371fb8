using System.Text.Json.Nodes;
using BankLink.CoreBanking;
using BankLink.Data.Audit;
using BankLink.Data.Links;
using BankLink.Data.Registrations;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BankLink.Data.Tests;

/// <summary>Registration for linking, "my links" and the consent decision, each one transaction with its audit event.</summary>
public sealed class RegistrationLinkConsentTests : ServicesOverDatabase<DemoBankDatabase>
{
    private RegistrationStore Registrations => Services.GetRequiredService<RegistrationStore>();

    private LinkStore Links => Services.GetRequiredService<LinkStore>();

    private ConsentStore Consents => Services.GetRequiredService<ConsentStore>();

    private async Task<(Guid CustomerId, IReadOnlyList<CoreAccount> Accounts)> CustomerAsync(string loginId)
    {
        await using var command = Database.DataSource.CreateCommand("SELECT id, customer_number FROM customers WHERE login_id = $1");
        command.Parameters.AddWithValue(loginId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (id, number) = (reader.GetGuid(0), reader.GetString(1));
        return (id, await Services.GetRequiredService<ICoreBankingGateway>().GetAccountsAsync(number, CancellationToken.None));
    }

    private async Task<string> ClientAsync()
    {
        var clientId = "c" + Guid.NewGuid().ToString("N")[..12];
        var onboarding = Guid.NewGuid().ToString("N")[..8];
        await Database.ExecuteAsync($"""
            INSERT INTO onboarding_tokens (id, provider_id, person_name, token_hash, status, created_at, expires_at, issued_by)
            VALUES ('{onboarding}', '{SandboxProvider.Id}', 'p', sha256('{onboarding}'::bytea), 'active', now(), now() + interval '60 days', 't');
            INSERT INTO clients (client_id, provider_id, registered_with, profile, token_endpoint_auth_method, registration_access_token_hash, metadata, status, created_at, updated_at)
            VALUES ('{clientId}', '{SandboxProvider.Id}', '{onboarding}', 'fapi2', 'private_key_jwt', sha256('{clientId}'::bytea), '{"{\"client_name\": \"家計簿アプリ\"}"}', 'active', now(), now());
            """);
        return clientId;
    }

    private async Task<byte[]> PushAsync(string clientId)
    {
        var hash = OpaqueToken.Hash(OpaqueToken.Create(TokenKind.RequestUri));
        await Services.GetRequiredService<IPushedRequestStore>().StoreAsync(hash, new PushedRequest(clientId, [], null, Clock.GetUtcNow(), Clock.GetUtcNow().AddSeconds(60)), CancellationToken.None);
        return hash;
    }

    private ConsentApproval Approval(byte[] requestUriHash, string clientId, Guid customerId, IReadOnlyList<Guid> accounts, byte[]? codeHash = null) =>
        new(requestUriHash, clientId, SandboxProvider.Id, customerId, "create", null, "openid balance transactions", accounts, accounts.ToHashSet(),
            Clock.GetUtcNow().AddDays(90),
            new ConsentCode(Guid.NewGuid(), codeHash ?? OpaqueToken.Hash(OpaqueToken.Create(TokenKind.AuthorizationCode)), "jkt", new JsonObject { ["nonce"] = "n" }, Clock.GetUtcNow().AddSeconds(60)));

    /// <summary>A link approved through the consent store, with a live access token; returns the grant.</summary>
    private async Task<(Grant Grant, Guid AccessTokenId)> LinkAsync(string clientId, Guid customerId, IReadOnlyList<Guid> accounts)
    {
        var result = await Consents.ApproveAsync(Approval(await PushAsync(clientId), clientId, customerId, accounts), CancellationToken.None);
        Assert.Equal(ConsentOutcome.Approved, result.Outcome);
        var token = new StoredToken(Guid.NewGuid(), StoredTokenKind.AccessToken, clientId, result.Grant!.Id, "sub", "balance", "jkt", StoredTokenStatus.Active,
            Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(5));
        await Services.GetRequiredService<ITokenStore>().CreateAsync(token, OpaqueToken.Hash(OpaqueToken.Create(TokenKind.AccessToken)), CancellationToken.None);
        return (result.Grant, token.Id);
    }

    private Task<long> EventsAsync(string type, Guid? grantId = null) => grantId is { } id
        ? Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = $1 AND grant_id = $2", type, id)
        : Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = $1", type);

    private Task<string> TokenStatusAsync(Guid id) => Database.ScalarAsync<string>("SELECT status FROM tokens WHERE id = $1", id);

    [Fact]
    public async Task FindValid_SandboxCustomerRegistered_UntilTheLifetimeEnds()
    {
        var (tanaka, _) = await CustomerAsync("tanaka01");
        var registration = await Registrations.FindValidAsync(tanaka, CancellationToken.None);

        Assert.NotNull(registration);
        Assert.Equal(RegistrationTerms.CurrentVersion, registration.TermsVersion);
        Clock.Set(registration.ExpiresAt);
        Assert.Null(await Registrations.FindValidAsync(tanaka, CancellationToken.None));
        Assert.Null((await Registrations.GetAccountsAsync(tanaka, CancellationToken.None)).Registration);
    }

    [Fact]
    public async Task Register_Again_SupersedesAndExpiresAfterTheConfiguredLifetime()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var first = accounts.First(a => a.IsLinkable).Id;

        var result = await Registrations.RegisterAsync(tanaka, [first], CancellationToken.None);

        Assert.Equal(RegisterStatus.Registered, result.Status);
        Assert.Equal(Clock.GetUtcNow().AddDays(365), result.Registration!.ExpiresAt);
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM registrations WHERE customer_id = $1 AND status = 'active'", tanaka));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM registrations WHERE customer_id = $1 AND status = 'superseded'", tanaka));
        var offered = await Registrations.GetAccountsAsync(tanaka, CancellationToken.None);
        Assert.Equal([first], offered.Linkable.Select(a => a.Id));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'registration_created' AND customer_id = $1 AND actor_kind = 'customer'", tanaka));
    }

    [Fact]
    public async Task Register_TimeDepositOrNothing_RefusedAndNothingChanges()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var before = await Registrations.FindValidAsync(tanaka, CancellationToken.None);

        Assert.Equal(RegisterStatus.AccountNotLinkable, (await Registrations.RegisterAsync(tanaka, [accounts.Single(a => !a.IsLinkable).Id], CancellationToken.None)).Status);
        Assert.Equal(RegisterStatus.AccountNotLinkable, (await Registrations.RegisterAsync(tanaka, [Guid.NewGuid()], CancellationToken.None)).Status);
        Assert.Equal(RegisterStatus.NoAccountChosen, (await Registrations.RegisterAsync(tanaka, [], CancellationToken.None)).Status);
        Assert.Equal(before!.Id, (await Registrations.FindValidAsync(tanaka, CancellationToken.None))!.Id);
    }

    [Fact]
    public async Task Register_LeavingOutAnAccount_LeavesLinksAndEndsALinkLeftEmpty()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (a, b) = (accounts.Where(x => x.IsLinkable).ElementAt(0).Id, accounts.Where(x => x.IsLinkable).ElementAt(1).Id);
        var client = await ClientAsync();
        var (both, _) = await LinkAsync(client, tanaka, [a, b]);
        var (onlyB, onlyBToken) = await LinkAsync(client, tanaka, [b]);

        var result = await Registrations.RegisterAsync(tanaka, [a], CancellationToken.None);

        Assert.Equal([both.Id], result.GrantsReduced);
        Assert.Equal([onlyB.Id], result.GrantsEnded);
        Assert.Equal([a], (await Services.GetRequiredService<IGrantStore>().FindAsync(both.Id, CancellationToken.None))!.AccountIds);
        Assert.Equal(GrantStatus.Revoked, (await Services.GetRequiredService<IGrantStore>().FindAsync(onlyB.Id, CancellationToken.None))!.Status);
        Assert.Equal("revoked", await TokenStatusAsync(onlyBToken));
        Assert.Equal(1, await EventsAsync(AuditEventTypes.LinkEnded, onlyB.Id));
        Assert.Equal(1, await EventsAsync(AuditEventTypes.LinkAccountRemoved, both.Id));
        Assert.True((await Services.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task ListActive_ShapeWithMaskedNumbersFunctionsAndRecipients()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var ordinary = accounts.First(x => x.IsLinkable);
        var client = await ClientAsync();
        await Database.ExecuteAsync($"""
            INSERT INTO chained_recipients (id, provider_id, name, name_ja, purpose, purpose_ja, created_at)
            VALUES (gen_random_uuid(), '{SandboxProvider.Id}', 'Tax Helper', '税務ヘルパー', 'tax returns', '確定申告', now())
            ON CONFLICT DO NOTHING
            """);
        var (grant, _) = await LinkAsync(client, tanaka, [ordinary.Id]);

        var link = Assert.Single(await Links.ListActiveAsync(tanaka, CancellationToken.None));

        Assert.Equal(grant.Id, link.GrantId);
        Assert.Equal("家計簿アプリ", link.ClientName);
        Assert.False(string.IsNullOrEmpty(link.ProviderNameJa));
        var account = Assert.Single(link.Accounts);
        Assert.Equal("***" + ordinary.AccountNumber[^4..], account.MaskedNumber);
        Assert.DoesNotContain(ordinary.AccountNumber, account.MaskedNumber, StringComparison.Ordinal);
        Assert.Equal(ordinary.Kind, account.Kind);
        Assert.Equal(ordinary.BranchName, account.BranchName);
        Assert.Equal([LinkFunction.Balance, LinkFunction.Transactions], link.Functions);
        Assert.Contains(link.ChainedRecipients, r => r.NameJa == "税務ヘルパー");
        Assert.Equal(Clock.GetUtcNow(), link.GrantedAt);
        Assert.Equal(Clock.GetUtcNow().AddDays(90), link.ExpiresAt);
        Assert.Null(link.LastUsedAt);
        Assert.Empty(await Links.ListActiveAsync((await CustomerAsync("suzuki02")).CustomerId, CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_OwnLink_TokensRevokedAtOnceAndAudited()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (grant, token) = await LinkAsync(await ClientAsync(), tanaka, [accounts.First(x => x.IsLinkable).Id]);

        Assert.Equal(LinkChange.Revoked, await Links.RevokeAsync(tanaka, grant.Id, CancellationToken.None));

        Assert.Equal("revoked", await TokenStatusAsync(token));
        Assert.Empty(await Links.ListActiveAsync(tanaka, CancellationToken.None));
        Assert.Equal(1, await EventsAsync(AuditEventTypes.LinkRevoked, grant.Id));
        Assert.Equal(LinkChange.NotFound, await Links.RevokeAsync(tanaka, grant.Id, CancellationToken.None));
    }

    [Fact]
    public async Task RevokeOrRemove_AnotherCustomersLink_NotFoundAndUntouched()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (suzuki, _) = await CustomerAsync("suzuki02");
        var account = accounts.First(x => x.IsLinkable).Id;
        var (grant, token) = await LinkAsync(await ClientAsync(), tanaka, [account]);

        Assert.Equal(LinkChange.NotFound, await Links.RevokeAsync(suzuki, grant.Id, CancellationToken.None));
        Assert.Equal(LinkChange.NotFound, await Links.RemoveAccountAsync(suzuki, grant.Id, account, CancellationToken.None));
        Assert.Equal(LinkChange.NotFound, await Links.RevokeAsync(suzuki, Guid.NewGuid(), CancellationToken.None));

        Assert.Equal("active", await TokenStatusAsync(token));
        Assert.Single(await Links.ListActiveAsync(tanaka, CancellationToken.None));
        Assert.Equal(0, await EventsAsync(AuditEventTypes.LinkRevoked));
    }

    [Fact]
    public async Task RemoveAccount_ThenTheLast_LinkEndsWithItsTokens()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (a, b) = (accounts.Where(x => x.IsLinkable).ElementAt(0).Id, accounts.Where(x => x.IsLinkable).ElementAt(1).Id);
        var (grant, token) = await LinkAsync(await ClientAsync(), tanaka, [a, b]);

        Assert.Equal(LinkChange.AccountRemoved, await Links.RemoveAccountAsync(tanaka, grant.Id, a, CancellationToken.None));
        Assert.Equal("active", await TokenStatusAsync(token));
        Assert.Equal(LinkChange.NotFound, await Links.RemoveAccountAsync(tanaka, grant.Id, a, CancellationToken.None));
        Assert.Equal([b], Assert.Single(await Links.ListActiveAsync(tanaka, CancellationToken.None)).Accounts.Select(x => x.AccountId));

        Assert.Equal(LinkChange.LinkEnded, await Links.RemoveAccountAsync(tanaka, grant.Id, b, CancellationToken.None));
        Assert.Equal("revoked", await TokenStatusAsync(token));
        Assert.Equal(2, await EventsAsync(AuditEventTypes.LinkAccountRemoved, grant.Id));
        Assert.Equal(1, await EventsAsync(AuditEventTypes.LinkEnded, grant.Id));
    }

    [Fact]
    public async Task TouchLastUsed_AtMostOnceAMinute()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (grant, _) = await LinkAsync(await ClientAsync(), tanaka, [accounts.First(x => x.IsLinkable).Id]);
        var grants = Services.GetRequiredService<IGrantStore>();
        var start = Clock.GetUtcNow();

        Assert.True(await grants.TouchLastUsedAsync(grant.Id, start, CancellationToken.None));
        Assert.False(await grants.TouchLastUsedAsync(grant.Id, start.AddSeconds(59), CancellationToken.None));
        Assert.True(await grants.TouchLastUsedAsync(grant.Id, start.AddSeconds(60), CancellationToken.None));

        Assert.Equal(start.AddSeconds(60), Assert.Single(await Links.ListActiveAsync(tanaka, CancellationToken.None)).LastUsedAt);
    }

    [Fact]
    public async Task Approve_CodeInsertFails_NoGrantNoEventAndTheRequestStillOpen()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var client = await ClientAsync();
        var request = await PushAsync(client);

        // A code hash of the wrong length breaks the tokens table's CHECK: the last write of the transaction fails.
        await Assert.ThrowsAsync<PostgresException>(() => Consents.ApproveAsync(
            Approval(request, client, tanaka, [accounts.First(x => x.IsLinkable).Id], codeHash: new byte[31]), CancellationToken.None));

        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM grants WHERE client_id = $1", client));
        Assert.Equal(0, await EventsAsync(AuditEventTypes.GrantCreated));
        Assert.NotNull(await Services.GetRequiredService<IPushedRequestStore>().FindUsableAsync(request, Clock.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task Approve_OnceThenAgain_GrantCodeAndEventThenAlreadyAnswered()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var client = await ClientAsync();
        var request = await PushAsync(client);
        var approval = Approval(request, client, tanaka, [accounts.First(x => x.IsLinkable).Id]);

        var result = await Consents.ApproveAsync(approval, CancellationToken.None);

        Assert.Equal(ConsentOutcome.Approved, result.Outcome);
        Assert.Equal(result.Grant!.Id, await Database.ScalarAsync<Guid>("SELECT grant_id FROM tokens WHERE id = $1", approval.Code.Id));
        Assert.Equal(1, await EventsAsync(AuditEventTypes.GrantCreated, result.Grant.Id));
        Assert.Null(await Services.GetRequiredService<IPushedRequestStore>().FindUsableAsync(request, Clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(ConsentOutcome.AlreadyAnswered, (await Consents.ApproveAsync(approval with { Code = approval.Code with { Id = Guid.NewGuid() } }, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Approve_UnregisteredAccountOrNoRegistration_NothingChangesRequestOpen()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var linkable = accounts.Where(x => x.IsLinkable).Select(x => x.Id).ToList();
        await Registrations.RegisterAsync(tanaka, [linkable[0]], CancellationToken.None);
        var client = await ClientAsync();
        var request = await PushAsync(client);

        Assert.Equal(ConsentOutcome.NotRegistered, (await Consents.ApproveAsync(Approval(request, client, tanaka, [linkable[1]]), CancellationToken.None)).Outcome);
        Clock.Advance(TimeSpan.FromDays(366));
        var late = await PushAsync(client);
        Assert.Equal(ConsentOutcome.NotRegistered, (await Consents.ApproveAsync(Approval(late, client, tanaka, [linkable[0]]), CancellationToken.None)).Outcome);

        Assert.NotNull(await Services.GetRequiredService<IPushedRequestStore>().FindUsableAsync(late, Clock.GetUtcNow(), CancellationToken.None));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM grants WHERE client_id = $1", client));
    }

    [Fact]
    public async Task Approve_PermissionNeverOutlivesTheRegistration()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var registration = await Registrations.FindValidAsync(tanaka, CancellationToken.None);
        Clock.Set(registration!.ExpiresAt.AddDays(-10));

        var (grant, _) = await LinkAsync(await ClientAsync(), tanaka, [accounts.First(x => x.IsLinkable).Id]);

        Assert.Equal(registration.ExpiresAt, grant.ExpiresAt);
    }

    [Fact]
    public async Task Deny_ConsumesAndAuditsOnce()
    {
        var (tanaka, _) = await CustomerAsync("tanaka01");
        var client = await ClientAsync();
        var request = await PushAsync(client);
        var denial = new ConsentDenial(request, client, SandboxProvider.Id, tanaka, "create", null, "openid balance");

        Assert.True(await Consents.DenyAsync(denial, CancellationToken.None));
        Assert.False(await Consents.DenyAsync(denial, CancellationToken.None));

        Assert.Equal(1, await EventsAsync(AuditEventTypes.ConsentDenied));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM grants WHERE client_id = $1", client));
    }
}
