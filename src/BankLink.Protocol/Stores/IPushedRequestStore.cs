using System.Text.Json.Nodes;

namespace BankLink.Protocol.Stores;

/// <summary>An authorization request pushed by a client (RFC 9126), as validated.</summary>
public sealed record PushedRequest(string ClientId, JsonObject Parameters, string? DpopJkt, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>Pushed authorization requests, keyed by the SHA-256 of their request_uri reference.</summary>
public interface IPushedRequestStore
{
    Task StoreAsync(byte[] requestUriHash, PushedRequest request, CancellationToken cancellationToken);

    /// <summary>The request while it is neither expired nor consumed.</summary>
    Task<PushedRequest?> FindUsableAsync(byte[] requestUriHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks it used (RFC 9126 §4: one use); false when it was already consumed, also in a race.</summary>
    Task<bool> TryConsumeAsync(byte[] requestUriHash, DateTimeOffset now, CancellationToken cancellationToken);
}
