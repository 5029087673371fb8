using BankLink.Data.Notifications;
using BankLink.Protocol.Stores;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BankLink.Data.Tests;

/// <summary>
/// The access token cache's rules (bounded staleness, dropped by the change notifications, off while not listening),
/// then the triggers of migration 0016 and the listener over real PostgreSQL.
/// </summary>
public sealed class AccessTokenCacheTests : ServicesOverDatabase<SchemaDatabase>
{
    private static readonly byte[] Hash = [1, 2, 3, 4];

    private AccessTokenCache NewCache(TimeSpan? maxAge = null, int maxEntries = 100)
    {
        var cache = new AccessTokenCache(Options.Create(new AccessTokenCacheOptions { MaxAge = maxAge ?? TimeSpan.FromSeconds(15), MaxEntries = maxEntries }), Clock);
        cache.Listening(true);
        return cache;
    }

    private StoredToken Token(Guid? grantId = null, Guid? providerId = null, string clientId = "client-a", StoredTokenKind kind = StoredTokenKind.AccessToken,
        StoredTokenStatus status = StoredTokenStatus.Active, bool grantActive = true, bool providerActive = true) =>
        new(Guid.NewGuid(), kind, clientId, grantId ?? Guid.NewGuid(), "sub", "balance", "jkt", status, Clock.GetUtcNow(), Clock.GetUtcNow().AddMinutes(5))
        {
            GrantActive = grantActive,
            Grant = new GrantSummary(providerId ?? Guid.NewGuid(), Guid.NewGuid(), "balance", Clock.GetUtcNow().AddDays(90)) { ProviderAndClientActive = providerActive },
        };

    [Fact]
    public void Remember_UsableAccessToken_ServedUntilMaxAge()
    {
        var cache = NewCache(TimeSpan.FromSeconds(10));
        var token = Token();
        cache.Remember(Hash, token, cache.Generation);

        Assert.True(cache.TryGet(Hash, out var hit));
        Assert.Same(token, hit);
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.False(cache.TryGet(Hash, out _));
    }

    [Fact]
    public void Remember_NeverPastTheTokensExpiry()
    {
        var cache = NewCache(TimeSpan.FromMinutes(5));
        var token = Token() with { ExpiresAt = Clock.GetUtcNow().AddSeconds(3) };
        cache.Remember(Hash, token, cache.Generation);

        Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.False(cache.TryGet(Hash, out _));
    }

    [Fact]
    public void Remember_UnusableOrOtherKinds_NotKept()
    {
        var cache = NewCache();
        foreach (var token in new[]
        {
            Token(status: StoredTokenStatus.Revoked), Token(grantActive: false), Token(providerActive: false),
            Token(kind: StoredTokenKind.RefreshToken), Token(kind: StoredTokenKind.AuthorizationCode),
        })
        {
            cache.Remember(Hash, token, cache.Generation);
            Assert.False(cache.TryGet(Hash, out _));
        }
    }

    [Fact]
    public void Remember_ANotificationArrivedDuringTheRead_NotKept()
    {
        var cache = NewCache();
        var generation = cache.Generation;
        cache.Changed("grant:" + Guid.NewGuid());

        // What was read before the change committed must not outlive the notification that announced it.
        cache.Remember(Hash, Token(), generation);
        Assert.False(cache.TryGet(Hash, out _));
    }

    [Theory]
    [InlineData("token")]
    [InlineData("grant")]
    [InlineData("provider")]
    [InlineData("client")]
    [InlineData("garbage")]
    public void Changed_DropsEveryEntryItNames_AndOnlyThose(string kind)
    {
        var cache = NewCache();
        var named = Token(clientId: "client-named");
        var other = Token(clientId: "client-other");
        byte[] namedHash = [9], otherHash = [8];
        cache.Remember(namedHash, named, cache.Generation);
        cache.Remember(otherHash, other, cache.Generation);

        cache.Changed(kind switch
        {
            "token" => "token:" + named.Id,
            "grant" => "grant:" + named.GrantId,
            "provider" => "provider:" + named.Grant!.ProviderId,
            "client" => "client:client-named",
            _ => "something unexpected",
        });

        Assert.False(cache.TryGet(namedHash, out _));
        Assert.Equal(kind != "garbage", cache.TryGet(otherHash, out _));
    }

    [Fact]
    public void Listening_LostOrRegained_EmptyAndOffWhileLost()
    {
        var cache = NewCache();
        cache.Remember(Hash, Token(), cache.Generation);

        cache.Listening(false);
        Assert.False(cache.IsActive);
        cache.Remember(Hash, Token(), cache.Generation);
        Assert.False(cache.TryGet(Hash, out _));

        cache.Listening(true);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void MaxAgeZero_CacheOff()
    {
        var cache = NewCache(TimeSpan.Zero);
        cache.Remember(Hash, Token(), cache.Generation);
        Assert.False(cache.IsActive);
        Assert.False(cache.TryGet(Hash, out _));
    }

    [Fact]
    public void Full_NewTokensReadFromTheDatabaseEachTime()
    {
        var cache = NewCache(maxEntries: 2);
        cache.Remember([1], Token(), cache.Generation);
        cache.Remember([2], Token(), cache.Generation);
        cache.Remember([3], Token(), cache.Generation);

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet([3], out _));
    }

    [Fact]
    public async Task Feed_TriggersNotifyEveryChangeThatCanStopAToken_AndSyncWaitsForThem()
    {
        var cache = Services.GetRequiredService<AccessTokenCache>();
        var feed = Services.GetRequiredService<TokenStateFeed>();
        await feed.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(() => cache.IsActive);
            var before = cache.Generation;

            // A change no token depends on notifies nothing; then one that does.
            await Database.ExecuteAsync("SELECT pg_notify('some_other_channel', 'x')");
            await feed.SyncAsync(CancellationToken.None);
            Assert.Equal(before, cache.Generation);

            await Database.ExecuteAsync("UPDATE providers SET status = status");
            await feed.SyncAsync(CancellationToken.None);
            Assert.Equal(before, cache.Generation);

            await Database.ExecuteAsync("""
                INSERT INTO providers (id, name, name_ja, description, description_ja, status, is_sandbox, created_at)
                VALUES ('11111111-1111-1111-1111-111111111111', 'P', 'P', 'd', 'd', 'active', false, now())
                """);
            await Database.ExecuteAsync("UPDATE providers SET status = 'suspended' WHERE id = '11111111-1111-1111-1111-111111111111'");
            await feed.SyncAsync(CancellationToken.None);
            Assert.Equal(before + 1, cache.Generation);
        }
        finally
        {
            await feed.StopAsync(CancellationToken.None);
        }

        Assert.False(cache.IsActive);
    }

    [Fact]
    public async Task Feed_ListenerConnectionKilled_CacheOffThenBackOnEmpty()
    {
        var cache = Services.GetRequiredService<AccessTokenCache>();
        var feed = Services.GetRequiredService<TokenStateFeed>();
        await feed.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(() => cache.IsActive);
            cache.Remember(Hash, Token(), cache.Generation);

            await Database.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
            await WaitUntilAsync(() => !cache.IsActive);
            Assert.False(cache.TryGet(Hash, out _));

            await WaitUntilAsync(() => cache.IsActive);
            Assert.Equal(0, cache.Count);
        }
        finally
        {
            await feed.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 20 s");
            await Task.Delay(20);
        }
    }
}
