using BankLink.Data.Stores;
using BankLink.Protocol.Stores;
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

        Assert.True(await Cache.TryUseAsync(new OneTimeUse("dpop", "jkt-1", "jti-1", until), CancellationToken.None));
        Assert.False(await Cache.TryUseAsync(new OneTimeUse("dpop", "jkt-1", "jti-1", until), CancellationToken.None));
    }

    [Fact]
    public async Task TryUse_SameIdentifierInAnotherScopeOrKind_Independent()
    {
        var until = Clock.GetUtcNow().AddMinutes(1);

        Assert.True(await Cache.TryUseAsync(new OneTimeUse("client_assertion", "client-a", "x", until), CancellationToken.None));
        Assert.True(await Cache.TryUseAsync(new OneTimeUse("client_assertion", "client-b", "x", until), CancellationToken.None));
        Assert.True(await Cache.TryUseAsync(new OneTimeUse("dpop", "client-a", "x", until), CancellationToken.None));
        Assert.True(await Cache.TryUseAsync(new OneTimeUse("client_assertion", "client-a|x", "", until), CancellationToken.None));
    }

    [Fact]
    public async Task TryUseAll_AssertionAndProofInOneBatch_EachDecidedOnItsOwn()
    {
        var until = Clock.GetUtcNow().AddMinutes(1);
        var assertion = new OneTimeUse("client_assertion", "client-a", "a-1", until);
        var proof = new OneTimeUse("dpop", "jkt-1", "p-1", until);
        Assert.True(await Cache.TryUseAsync(proof, CancellationToken.None));

        var results = await Cache.TryUseAllAsync([assertion, proof], CancellationToken.None);

        Assert.Equal([true, false], results);
        Assert.False(await Cache.TryUseAsync(assertion, CancellationToken.None));
    }

    [Fact]
    public async Task TryUseAll_SameIdentifierTwiceInOneBatch_SecondIsAReplay()
    {
        var use = new OneTimeUse("dpop", "jkt-1", "twice", Clock.GetUtcNow().AddMinutes(1));

        Assert.Equal([true, false], await Cache.TryUseAllAsync([use, use], CancellationToken.None));
    }

    [Fact]
    public async Task TryUseAll_Empty_NothingWritten()
    {
        Assert.Empty(await Cache.TryUseAllAsync([], CancellationToken.None));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM replay_cache"));
    }

    [Fact]
    public async Task TryUse_ManyNodesRaceWithOneIdentifier_ExactlyOneWins()
    {
        var nodes = Enumerable.Range(0, 8).Select(_ => BankLinkServices.Build(Database.ConnectionString, Clock)).ToList();
        var until = Clock.GetUtcNow().AddMinutes(1);

        var results = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.GetRequiredService<ReplayCache>().TryUseAsync(new OneTimeUse("client_assertion", "c", "raced", until), CancellationToken.None))));

        Assert.Single(results, won => won);
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryUse_AfterTheEntryExpired_UsableAgainAndPruned()
    {
        Assert.True(await Cache.TryUseAsync(new OneTimeUse("dpop", "k", "j", Clock.GetUtcNow().AddSeconds(30)), CancellationToken.None));
        Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.True(await Cache.TryUseAsync(new OneTimeUse("dpop", "k", "j", Clock.GetUtcNow().AddSeconds(30)), CancellationToken.None));
        Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await Cache.PruneAsync(CancellationToken.None));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM replay_cache"));
    }
}
