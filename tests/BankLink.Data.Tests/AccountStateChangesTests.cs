using BankLink.Data.Links;
using BankLink.DemoBank;
using BankLink.Domain.Accounts;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>
/// DOMAIN.md "How links end": an account closed or stopped in the core leaves every permission naming it at once (the
/// provider loses that account only); a permission left with no account ends, with all its tokens; all audited.
/// </summary>
public sealed class AccountStateChangesTests : ServicesOverDatabase<DemoBankDatabase>
{
    private AccountStateChanges Changes => Services.GetRequiredService<AccountStateChanges>();

    private async Task<Guid> CustomerAsync(string loginId) => await Database.ScalarAsync<Guid>("SELECT id FROM customers WHERE login_id = $1", loginId);

    private async Task<string> ClientAsync()
    {
        var clientId = "c" + Guid.NewGuid().ToString("N")[..12];
        var onboarding = Guid.NewGuid().ToString("N")[..8];
        await Database.ExecuteAsync($"""
            INSERT INTO onboarding_tokens (id, provider_id, person_name, token_hash, status, created_at, expires_at, issued_by)
            VALUES ('{onboarding}', '{SandboxProvider.Id}', 'p', sha256('{onboarding}'::bytea), 'active', now(), now() + interval '60 days', 't');
            INSERT INTO clients (client_id, provider_id, registered_with, profile, token_endpoint_auth_method, registration_access_token_hash, metadata, status, created_at, updated_at)
            VALUES ('{clientId}', '{SandboxProvider.Id}', '{onboarding}', 'fapi2', 'private_key_jwt', sha256('{clientId}'::bytea), '{"{}"}', 'active', now(), now());
            """);
        return clientId;
    }

    /// <summary>An active grant naming <paramref name="accounts"/>, with a live access token and refresh token.</summary>
    private async Task<Guid> GrantAsync(string clientId, Guid customerId, params Guid[] accounts)
    {
        var grantId = Guid.NewGuid();
        await Database.ExecuteAsync("""
            INSERT INTO grants (id, client_id, provider_id, customer_id, scope, status, created_at, updated_at, expires_at)
            VALUES ($1, $2, $3, $4, 'openid balance transactions', 'active', now(), now(), now() + interval '90 days')
            """, grantId, clientId, SandboxProvider.Id, customerId);
        foreach (var account in accounts)
        {
            await Database.ExecuteAsync("INSERT INTO grant_accounts (grant_id, account_id) VALUES ($1, $2)", grantId, account);
        }

        foreach (var kind in new[] { "access_token", "refresh_token" })
        {
            await Database.ExecuteAsync($"""
                INSERT INTO tokens (id, kind, token_hash, client_id, grant_id, subject, scope, jkt, status, created_at, expires_at)
                VALUES ($1, '{kind}', sha256($2::bytea), $3, $4, 'sub', 'balance', 'jkt', 'active', now(), now() + interval '1 hour')
                """, Guid.NewGuid(), System.Text.Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()), clientId, grantId);
        }

        return grantId;
    }

    private Task<long> AccountsOfAsync(Guid grantId) => Database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts WHERE grant_id = $1", grantId);

    private Task<string> GrantStatusAsync(Guid grantId) => Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", grantId);

    private Task<long> LiveTokensAsync(Guid grantId) => Database.ScalarAsync<long>("SELECT count(*) FROM tokens WHERE grant_id = $1 AND status = 'active'", grantId);

    private Task<long> EventsAsync(string type, Guid? grantId = null) => grantId is { } id
        ? Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = $1 AND grant_id = $2", type, id)
        : Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = $1", type);

    [Fact]
    public async Task Closed_LeavesEveryGrantNamingIt_EndsTheGrantLeftEmptyWithItsTokens()
    {
        var (tanaka, suzuki) = (await CustomerAsync("tanaka01"), await CustomerAsync("suzuki02"));
        var (closing, other) = (Guid.NewGuid(), Guid.NewGuid());
        var client = await ClientAsync();
        var keeps = await GrantAsync(client, tanaka, closing, other);
        var empties = await GrantAsync(client, suzuki, closing);
        var untouched = await GrantAsync(client, tanaka, other);

        var change = await Changes.RecordAsync(closing, AccountStatus.Closed, "closed at the branch", AuditActor.System("resource-api"), CancellationToken.None);

        Assert.Equal(new[] { keeps, empties }.Order(), change.LinksChanged.Order());
        Assert.Equal([empties], change.LinksEnded);
        Assert.Equal(1, await AccountsOfAsync(keeps));
        Assert.Equal("active", await GrantStatusAsync(keeps));
        Assert.Equal(2, await LiveTokensAsync(keeps));
        Assert.Equal("revoked", await GrantStatusAsync(empties));
        Assert.Equal(0, await LiveTokensAsync(empties));
        Assert.Equal("its last account was closed in the core", await Database.ScalarAsync<string>("SELECT revoked_reason FROM grants WHERE id = $1", empties));
        Assert.Equal(1, await AccountsOfAsync(untouched));
        Assert.Equal(2, await LiveTokensAsync(untouched));

        Assert.Equal(2, await EventsAsync("account_closed"));
        Assert.Equal(1, await EventsAsync("link_account_removed", keeps));
        Assert.Equal(1, await EventsAsync("link_account_removed", empties));
        Assert.Equal(1, await EventsAsync("link_ended", empties));
        Assert.Equal(0, await EventsAsync("link_ended", keeps));
        Assert.Equal("resource-api", await Database.ScalarAsync<string>("SELECT actor_id FROM audit_events WHERE event_type = 'link_ended'"));
        Assert.Equal(0, await EventsAsync("account_stopped"));
        Assert.True((await Services.GetRequiredService<Audit.AuditVerifier>().VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task Frozen_AccountStopped_AndASecondReportChangesNothing()
    {
        var tanaka = await CustomerAsync("tanaka01");
        var account = Guid.NewGuid();
        var grant = await GrantAsync(await ClientAsync(), tanaka, account);

        var first = await Changes.RecordAsync(account, AccountStatus.Frozen, "frozen by the bank", AuditActor.Operator("op1"), CancellationToken.None);
        var second = await Changes.RecordAsync(account, AccountStatus.Frozen, "frozen by the bank", AuditActor.Operator("op1"), CancellationToken.None);

        Assert.Equal([grant], first.LinksEnded);
        Assert.True(second.Unchanged);
        Assert.Equal(1, await EventsAsync("account_stopped"));
        Assert.Equal(1, await EventsAsync("link_ended", grant));
        Assert.Equal("operator", await Database.ScalarAsync<string>("SELECT actor_kind FROM audit_events WHERE event_type = 'account_stopped'"));
    }

    [Fact]
    public async Task Open_Refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Changes.RecordAsync(Guid.NewGuid(), AccountStatus.Open, "reopened", AuditActor.System("t"), CancellationToken.None));
    }
}
