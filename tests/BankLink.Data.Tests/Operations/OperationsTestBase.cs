using BankLink.CoreBanking;
using BankLink.Data.Operations;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests.Operations;

/// <summary>The sandbox bank with helpers to plant links, tokens and events, and one actor of each role.</summary>
public abstract class OperationsTestBase : ServicesOverDatabase<DemoBankDatabase>
{
    protected const string Reason = "customer called: phone stolen";

    protected static readonly OperatorActor Viewer = new(Guid.NewGuid(), "viewer1", OperatorRole.Viewer);
    protected static readonly OperatorActor Operator = new(Guid.NewGuid(), "operator1", OperatorRole.Operator);
    protected static readonly OperatorActor SecondOperator = new(Guid.NewGuid(), "operator2", OperatorRole.Operator);
    protected static readonly OperatorActor Admin = new(Guid.NewGuid(), "admin1", OperatorRole.Admin);

    protected T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected async Task<(Guid Id, IReadOnlyList<CoreAccount> Accounts)> CustomerAsync(string loginId)
    {
        await using var command = Database.DataSource.CreateCommand("SELECT id, customer_number FROM customers WHERE login_id = $1");
        command.Parameters.AddWithValue(loginId);
        Guid id;
        string number;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync(), loginId);
            (id, number) = (reader.GetGuid(0), reader.GetString(1));
        }

        return (id, await Get<ICoreBankingGateway>().GetAccountsAsync(number, CancellationToken.None));
    }

    protected async Task<string> ClientAsync(string clientName = "家計簿アプリ")
    {
        var clientId = "c" + Guid.NewGuid().ToString("N")[..12];
        var onboarding = Guid.NewGuid().ToString("N")[..8];
        await Database.ExecuteAsync("""
            INSERT INTO onboarding_tokens (id, provider_id, person_name, token_hash, status, created_at, expires_at, issued_by)
            VALUES ($1, $2, 'p', sha256(convert_to($1, 'UTF8')), 'active', $3, $3 + interval '60 days', 't')
            """, onboarding, SandboxProvider.Id, Clock.GetUtcNow());
        await Database.ExecuteAsync("""
            INSERT INTO clients (client_id, provider_id, registered_with, profile, token_endpoint_auth_method, registration_access_token_hash, metadata, status, created_at, updated_at)
            VALUES ($1, $2, $3, 'fapi2', 'private_key_jwt', sha256(convert_to($1, 'UTF8')), jsonb_build_object('client_name', $4::text), 'active', $5, $5)
            """, clientId, SandboxProvider.Id, onboarding, clientName, Clock.GetUtcNow());
        return clientId;
    }

    /// <summary>An active grant of the customer's naming <paramref name="accounts"/>, with a live access token and refresh token.</summary>
    protected async Task<Guid> GrantAsync(string clientId, Guid customerId, params Guid[] accounts)
    {
        var grantId = Guid.NewGuid();
        var now = Clock.GetUtcNow();
        await Database.ExecuteAsync("""
            INSERT INTO grants (id, client_id, provider_id, customer_id, scope, status, created_at, updated_at, expires_at)
            VALUES ($1, $2, $3, $4, 'openid balance transactions', 'active', $5, $5, $5 + interval '90 days')
            """, grantId, clientId, SandboxProvider.Id, customerId, now.AddDays(-1));
        foreach (var account in accounts)
        {
            await Database.ExecuteAsync("INSERT INTO grant_accounts (grant_id, account_id) VALUES ($1, $2)", grantId, account);
        }

        foreach (var kind in new[] { "access_token", "refresh_token" })
        {
            await Database.ExecuteAsync($"""
                INSERT INTO tokens (id, kind, token_hash, client_id, grant_id, subject, scope, jkt, status, created_at, expires_at)
                VALUES ($1, '{kind}', sha256($2::bytea), $3, $4, 'sub', 'balance', 'jkt', 'active', $5, $5 + interval '1 hour')
                """, Guid.NewGuid(), System.Text.Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()), clientId, grantId, now.AddMinutes(-1));
        }

        return grantId;
    }

    protected Task<string> GrantStatusAsync(Guid grantId) => Database.ScalarAsync<string>("SELECT status FROM grants WHERE id = $1", grantId);

    protected Task<long> LiveTokensAsync(Guid grantId) => Database.ScalarAsync<long>("SELECT count(*) FROM tokens WHERE grant_id = $1 AND status = 'active'", grantId);

    protected Task<long> AccountsOfAsync(Guid grantId) => Database.ScalarAsync<long>("SELECT count(*) FROM grant_accounts WHERE grant_id = $1", grantId);

    protected Task<long> AuditCountAsync() => Database.ScalarAsync<long>("SELECT count(*) FROM audit_events");

    /// <summary>The events of a type, oldest first, as (actor kind, actor id, detail text).</summary>
    protected async Task<List<(string ActorKind, string? ActorId, string? Detail, Guid? GrantId)>> EventsAsync(string type)
    {
        await using var command = Database.DataSource.CreateCommand("SELECT actor_kind, actor_id, detail, grant_id FROM audit_events WHERE event_type = $1 ORDER BY id");
        command.Parameters.AddWithValue(type);
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<(string, string?, string?, Guid?)>();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3)));
        }

        return events;
    }

    /// <summary>The audit trail stores JSON with non-ASCII escaped: read a detail's reason back as text.</summary>
    protected static string? ReasonOf(string? detail) =>
        detail is null ? null : System.Text.Json.Nodes.JsonNode.Parse(detail)?["reason"]?.GetValue<string>();

    protected static async Task<OperationRefusedException> RefusedAsync(string code, Func<Task> action)
    {
        var refused = await Assert.ThrowsAsync<OperationRefusedException>(action);
        Assert.Equal(code, refused.Code);
        return refused;
    }

    /// <summary>Reasons every mutation refuses: none, blank, too short, too long, a line break.</summary>
    public static TheoryData<string?> BadReasons => new() { null, "", "    ", "abcd", new string('x', 501), "two\nlines" };
}
