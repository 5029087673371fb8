using BankLink.Data.Pruning;
using BankLink.DemoBank;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>Housekeeping: what is long expired goes, what still matters stays.</summary>
public sealed class ExpiredRowPrunerTests : ServicesOverDatabase<DemoBankDatabase>
{
    [Fact]
    public async Task Prune_RemovesLongExpiredRowsOnlyAndKeepsRotationChainsWhole()
    {
        // The rows below are dated from the database's clock; the pruner reads the services' clock.
        Clock.Set(new DateTimeOffset(await Database.ScalarAsync<DateTime>("SELECT now()"), TimeSpan.Zero));
        await Database.ExecuteAsync($"""
            INSERT INTO onboarding_tokens (id, provider_id, person_name, token_hash, status, created_at, expires_at, issued_by)
            VALUES ('aaaaaaaa', '{SandboxProvider.Id}', 'p', decode(repeat('00', 32), 'hex'), 'active', now(), now() + interval '60 days', 't');
            INSERT INTO clients (client_id, provider_id, registered_with, profile, token_endpoint_auth_method, registration_access_token_hash, metadata, status, created_at, updated_at)
            VALUES ('c1', '{SandboxProvider.Id}', 'aaaaaaaa', 'fapi2', 'private_key_jwt', decode(repeat('01', 32), 'hex'), '{"{}"}', 'active', now(), now());
            INSERT INTO tokens (id, token_hash, kind, client_id, scope, jkt, status, created_at, expires_at)
            VALUES ('00000000-0000-0000-0000-000000000001', decode(repeat('a1', 32), 'hex'), 'access_token', 'c1', 's', 'k', 'active', now() - interval '3 days', now() - interval '2 days'),
                   ('00000000-0000-0000-0000-000000000002', decode(repeat('a2', 32), 'hex'), 'access_token', 'c1', 's', 'k', 'active', now() - interval '1 hour', now() - interval '1 minute'),
                   ('00000000-0000-0000-0000-000000000003', decode(repeat('a3', 32), 'hex'), 'refresh_token', 'c1', 's', 'k', 'redeemed', now() - interval '3 days', now() - interval '2 days');
            INSERT INTO tokens (id, token_hash, kind, client_id, scope, jkt, status, created_at, expires_at, previous_id)
            VALUES ('00000000-0000-0000-0000-000000000004', decode(repeat('a4', 32), 'hex'), 'refresh_token', 'c1', 's', 'k', 'active', now() - interval '1 day', now() + interval '1 day', '00000000-0000-0000-0000-000000000003');
            INSERT INTO pushed_requests (request_uri_hash, client_id, parameters, created_at, expires_at)
            VALUES (decode(repeat('b1', 32), 'hex'), 'c1', '{"{}"}', now() - interval '3 hours', now() - interval '2 hours'),
                   (decode(repeat('b2', 32), 'hex'), 'c1', '{"{}"}', now(), now() + interval '1 minute');
            INSERT INTO replay_cache (key, expires_at) VALUES (decode(repeat('c1', 32), 'hex'), now() - interval '1 second'), (decode(repeat('c2', 32), 'hex'), now() + interval '1 minute');
            """);

        var result = await Services.GetRequiredService<ExpiredRowPruner>().PruneAsync(CancellationToken.None);

        Assert.Equal(new PruneResult(1, 1, 1), result);
        Assert.Equal(["00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000003", "00000000-0000-0000-0000-000000000004"],
            (await Database.ScalarAsync<Guid[]>("SELECT array_agg(id ORDER BY id) FROM tokens")).Select(g => g.ToString()));
    }
}
