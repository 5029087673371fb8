using System.Text.Json.Nodes;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>RFC 9126 §4: a pushed request is answered once, however many requests race for it, on however many nodes.</summary>
public sealed class PushedRequestStoreTests : ServicesOverDatabase<DemoBankDatabase>
{
    private async Task<byte[]> PushAsync()
    {
        await Database.ExecuteAsync($"""
            INSERT INTO onboarding_tokens (id, provider_id, person_name, token_hash, status, created_at, expires_at, issued_by)
            VALUES ('bbbbbbbb', '{SandboxProvider.Id}', 'p', decode(repeat('00', 32), 'hex'), 'active', now(), now() + interval '60 days', 't');
            INSERT INTO clients (client_id, provider_id, registered_with, profile, token_endpoint_auth_method, registration_access_token_hash, metadata, status, created_at, updated_at)
            VALUES ('c1', '{SandboxProvider.Id}', 'bbbbbbbb', 'fapi2', 'private_key_jwt', decode(repeat('01', 32), 'hex'), '{"{}"}', 'active', now(), now());
            """);
        var hash = OpaqueToken.Hash(OpaqueToken.Create(TokenKind.RequestUri));
        await Services.GetRequiredService<IPushedRequestStore>().StoreAsync(hash, new PushedRequest("c1", [], null, Clock.GetUtcNow(), Clock.GetUtcNow().AddSeconds(60)), CancellationToken.None);
        return hash;
    }

    [Fact]
    public async Task TryConsume_ManyNodesAtOnce_ExactlyOneWins()
    {
        var hash = await PushAsync();
        var nodes = Enumerable.Range(0, 6).Select(_ => BankLinkServices.Build(Database.ConnectionString, Clock)).ToList();

        var results = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.GetRequiredService<IPushedRequestStore>().TryConsumeAsync(hash, Clock.GetUtcNow(), CancellationToken.None))));

        Assert.Single(results, won => won);
        Assert.Null(await Services.GetRequiredService<IPushedRequestStore>().FindUsableAsync(hash, Clock.GetUtcNow(), CancellationToken.None));
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task FindUsable_AfterSixtySeconds_Gone()
    {
        var hash = await PushAsync();

        Assert.NotNull(await Services.GetRequiredService<IPushedRequestStore>().FindUsableAsync(hash, Clock.GetUtcNow().AddSeconds(59), CancellationToken.None));
        Assert.Null(await Services.GetRequiredService<IPushedRequestStore>().FindUsableAsync(hash, Clock.GetUtcNow().AddSeconds(60), CancellationToken.None));
        Assert.False(await Services.GetRequiredService<IPushedRequestStore>().TryConsumeAsync(hash, Clock.GetUtcNow().AddSeconds(61), CancellationToken.None));
    }
}
