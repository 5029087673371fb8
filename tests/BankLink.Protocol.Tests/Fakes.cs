using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Tests;

/// <summary>In-memory stores: the protocol engine's rules are tested without a database (STYLE.md layout).</summary>
internal sealed class FakeClientStore : IClientStore
{
    private readonly ConcurrentDictionary<string, RegisteredClient> _clients = new();

    public void Add(RegisteredClient client) => _clients[client.ClientId] = client;

    public Task CreateAsync(NewClient client, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<RegisteredClient?> FindByRegistrationAccessTokenAsync(string clientId, byte[] registrationAccessTokenHash, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<RegisteredClient?> FindAsync(string clientId, CancellationToken cancellationToken) =>
        Task.FromResult(_clients.TryGetValue(clientId, out var client) ? client : null);

    public Task UpdateMetadataAsync(string clientId, JsonObject metadata, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(string clientId, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
}

internal sealed class FakeReplayCache : IReplayCache
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new();

    public Task<IReadOnlyList<bool>> TryUseAllAsync(IReadOnlyList<OneTimeUse> uses, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<bool>>(uses.Select(use => _used.TryAdd($"{use.Kind}|{use.Scope}|{use.Identifier}", use.Until)).ToArray());
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
