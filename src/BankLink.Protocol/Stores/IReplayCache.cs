namespace BankLink.Protocol.Stores;

/// <summary>Remembers one-time identifiers across every node, so a replayed assertion or proof is refused wherever it lands.</summary>
public interface IReplayCache
{
    /// <summary>
    /// Records the use of <paramref name="identifier"/> within <paramref name="scope"/> (a client, a key)
    /// until <paramref name="until"/>. True for the first use; false when it was already used, also when
    /// two nodes race with it at the same moment.
    /// </summary>
    Task<bool> TryUseAsync(string kind, string scope, string identifier, DateTimeOffset until, CancellationToken cancellationToken);
}
