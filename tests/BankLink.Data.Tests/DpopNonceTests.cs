using BankLink.Data.DataProtection;
using BankLink.Protocol.Dpop;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Data.Tests;

/// <summary>Stateless DPoP nonces: any node issues, every node accepts, until they are too old.</summary>
public sealed class DpopNonceTests : IAsyncLifetime
{
    private readonly SchemaDatabase _database = new();
    private readonly SettableTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 3, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Nonce_IssuedByOneNode_AcceptedByAnotherUntilItIsTooOld()
    {
        await using var first = BankLinkServices.Build(_database.ConnectionString, _clock);
        await using var second = BankLinkServices.Build(_database.ConnectionString, _clock);
        var nonce = first.GetRequiredService<IDpopNonces>().Issue();

        Assert.True(second.GetRequiredService<IDpopNonces>().IsValid(nonce));
        _clock.Advance(new DpopNonceOptions().NonceLifetime + TimeSpan.FromSeconds(1));
        Assert.False(second.GetRequiredService<IDpopNonces>().IsValid(nonce));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("forged")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Nonce_ForgedOrMissing_Refused(string? nonce)
    {
        await using var services = BankLinkServices.Build(_database.ConnectionString, _clock);

        Assert.False(services.GetRequiredService<IDpopNonces>().IsValid(nonce));
    }
}
