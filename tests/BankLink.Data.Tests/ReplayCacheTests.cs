using BankLink.Data.Stores;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>One-time identifiers across nodes, on real PostgreSQL.</summary>
public sealed class ReplayCacheTests : ServicesOverDatabase<SchemaDatabase>
{
    private ReplayCache Cache => Services.GetRequiredService<ReplayCache>();

    [Fact]
    public async Task TryUse_SecondUse_Refused()
    {
        var until = Clock.GetUtcNow().AddMinutes(1);

        Assert.True(await Cache.TryUseAsync("dpop", "jkt-1", "jti-1", until, CancellationToken.None));
        Assert.False(await Cache.TryUseAsync("dpop", "jkt-1", "jti-1", until, CancellationToken.None));
    }

    [Fact]
    public async Task TryUse_SameIdentifierInAnotherScopeOrKind_Independent()
    {
        var until = Clock.GetUtcNow().AddMinutes(1);

        Assert.True(await Cache.TryUseAsync("client_assertion", "client-a", "x", until, CancellationToken.None));
        Assert.True(await Cache.TryUseAsync("client_assertion", "client-b", "x", until, CancellationToken.None));
        Assert.True(await Cache.TryUseAsync("dpop", "client-a", "x", until, CancellationToken.None));
        Assert.True(await Cache.TryUseAsync("client_assertion", "client-a|x", "", until, CancellationToken.None));
    }

    [Fact]
    public async Task TryUse_ManyNodesRaceWithOneIdentifier_ExactlyOneWins()
    {
        var nodes = Enumerable.Range(0, 8).Select(_ => BankLinkServices.Build(Database.ConnectionString, Clock)).ToList();
        var until = Clock.GetUtcNow().AddMinutes(1);

        var results = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.GetRequiredService<ReplayCache>().TryUseAsync("client_assertion", "c", "raced", until, CancellationToken.None))));

        Assert.Single(results, won => won);
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryUse_AfterTheEntryExpired_UsableAgainAndPruned()
    {
        Assert.True(await Cache.TryUseAsync("dpop", "k", "j", Clock.GetUtcNow().AddSeconds(30), CancellationToken.None));
        Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.True(await Cache.TryUseAsync("dpop", "k", "j", Clock.GetUtcNow().AddSeconds(30), CancellationToken.None));
        Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await Cache.PruneAsync(CancellationToken.None));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM replay_cache"));
    }
}
