using System.Text.Json.Nodes;
using BankLink.Data.Keys;
using BankLink.Jose;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>The server's signing keys: created at first start, rotated with prepublication, retired keys published until their tokens expire.</summary>
public sealed class SigningKeyRingTests : ServicesOverDatabase<SchemaDatabase>
{
    private static readonly SigningKeyOptions Defaults = new();

    private SigningKeyRing Ring => Services.GetRequiredService<SigningKeyRing>();

    [Fact]
    public async Task EnsureKeys_FirstStart_OneSigningKeyPerAlgorithmThenNothingMore()
    {
        var created = await Ring.EnsureKeysAsync(CancellationToken.None);
        var again = await Ring.EnsureKeysAsync(CancellationToken.None);

        Assert.Equal(SigningKeyRing.Algorithms.Order(), created.Select(k => k.Algorithm).Order());
        Assert.All(created, k => Assert.Equal(Clock.GetUtcNow(), k.ActiveFrom));
        Assert.Empty(again);
    }

    [Fact]
    public async Task SigningKey_SignsWhatThePublishedKeyVerifies()
    {
        await Ring.EnsureKeysAsync(CancellationToken.None);

        foreach (var algorithm in SigningKeyRing.Algorithms)
        {
            var key = await Ring.GetSigningKeyAsync(algorithm, CancellationToken.None);
            var jws = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = algorithm, KeyId = key.Kid }, new JsonObject { ["sub"] = "x" }, key);

            Assert.True(key.IsPrivate);
            Assert.True(JwsReader.TryRead(jws, new HashSet<JwsAlgorithm> { algorithm }, out var read, out _));
            var published = (await Ring.GetPublishedKeysAsync(CancellationToken.None)).FindByKid(key.Kid!)!;
            Assert.False(published.IsPrivate);
            Assert.True(read!.TryVerify(published, out _));
        }
    }

    [Fact]
    public async Task Storage_PrivateKeysOnlyEncrypted()
    {
        await Ring.EnsureKeysAsync(CancellationToken.None);

        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM signing_keys WHERE public_jwk ?| array['d','p','q','dp','dq','qi']"));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM signing_keys WHERE protected_private_jwk LIKE 'MI%' OR protected_private_jwk LIKE '%\"d\"%'"));
    }

    [Fact]
    public async Task Schedule_SuccessorPrepublishedThenSignsAtRetirementAndTheOldKeyStaysPublishedUntilItExpires()
    {
        await Ring.EnsureKeysAsync(CancellationToken.None);
        var first = await Ring.GetSigningKeyAsync(JwsAlgorithm.ES256, CancellationToken.None);

        Clock.Advance(Defaults.RotationPeriod - Defaults.PrepublishPeriod + TimeSpan.FromMinutes(1));
        var successors = await Ring.EnsureKeysAsync(CancellationToken.None);
        var published = await Ring.GetPublishedKeysAsync(CancellationToken.None);

        Assert.Equal(3, successors.Count);
        var successor = successors.Single(k => k.Algorithm == JwsAlgorithm.ES256);
        Assert.NotNull(published.FindByKid(successor.Kid));
        Assert.Equal(first.Kid, (await Ring.GetSigningKeyAsync(JwsAlgorithm.ES256, CancellationToken.None)).Kid);

        Clock.Advance(Defaults.PrepublishPeriod);
        Assert.Equal(successor.Kid, (await Ring.GetSigningKeyAsync(JwsAlgorithm.ES256, CancellationToken.None)).Kid);
        Assert.NotNull((await Ring.GetPublishedKeysAsync(CancellationToken.None)).FindByKid(first.Kid!));

        Clock.Advance(Defaults.RetentionAfterRetirement);
        Assert.Null((await Ring.GetPublishedKeysAsync(CancellationToken.None)).FindByKid(first.Kid!));
    }

    [Fact]
    public async Task RotateNow_NewKeySignsAtOnceAndTheOldOneStaysPublished()
    {
        await Ring.EnsureKeysAsync(CancellationToken.None);
        var old = await Ring.GetSigningKeyAsync(JwsAlgorithm.PS256, CancellationToken.None);

        var rotated = await Ring.RotateNowAsync([JwsAlgorithm.PS256], CancellationToken.None);

        var current = await Ring.GetSigningKeyAsync(JwsAlgorithm.PS256, CancellationToken.None);
        Assert.Equal(rotated.Single().Kid, current.Kid);
        Assert.NotEqual(old.Kid, current.Kid);
        Assert.NotNull((await Ring.GetPublishedKeysAsync(CancellationToken.None)).FindByKid(old.Kid!));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM signing_keys WHERE alg = 'ES256'"));
    }

    [Fact]
    public async Task EnsureKeys_TwoNodesAtOnce_OneKeyPerAlgorithm()
    {
        await using var otherNode = BankLinkServices.Build(Database.ConnectionString, Clock);

        await Task.WhenAll(
            Task.Run(() => Ring.EnsureKeysAsync(CancellationToken.None)),
            Task.Run(() => otherNode.GetRequiredService<SigningKeyRing>().EnsureKeysAsync(CancellationToken.None)));

        Assert.Equal(SigningKeyRing.Algorithms.Count, await Database.ScalarAsync<long>("SELECT count(*) FROM signing_keys"));
    }

    [Fact]
    public async Task OtherNode_SeesARotationWithinTheCacheLifetime()
    {
        await Ring.EnsureKeysAsync(CancellationToken.None);
        await using var otherNode = BankLinkServices.Build(Database.ConnectionString, Clock);
        var otherRing = otherNode.GetRequiredService<SigningKeyRing>();
        var before = await otherRing.GetSigningKeyAsync(JwsAlgorithm.ES256, CancellationToken.None);

        var rotated = (await Ring.RotateNowAsync([JwsAlgorithm.ES256], CancellationToken.None)).Single();
        Clock.Advance(Defaults.CacheLifetime);

        Assert.NotEqual(before.Kid, rotated.Kid);
        Assert.Equal(rotated.Kid, (await otherRing.GetSigningKeyAsync(JwsAlgorithm.ES256, CancellationToken.None)).Kid);
    }
}
