namespace BankLink.Protocol.Stores;

/// <summary>
/// One use of a one-time identifier: a client assertion's jti (RFC 7523 §3 item 7) or a DPoP proof's jti
/// (RFC 9449 §11.1), within its <paramref name="Scope"/> (a client, a key), remembered until <paramref name="Until"/>.
/// </summary>
public sealed record OneTimeUse(string Kind, string Scope, string Identifier, DateTimeOffset Until);

/// <summary>Remembers one-time identifiers across every node, so a replayed assertion or proof is refused wherever it lands.</summary>
public interface IReplayCache
{
    /// <summary>
    /// Records every use in <paramref name="uses"/> at once (one statement, so a request carrying an assertion
    /// and a proof pays for one write). For each: true for the first use; false when it was already used, also
    /// when two nodes race with it at the same moment.
    /// </summary>
    Task<IReadOnlyList<bool>> TryUseAllAsync(IReadOnlyList<OneTimeUse> uses, CancellationToken cancellationToken);
}

public static class ReplayCacheExtensions
{
    /// <summary>Records one use: true when it is the first.</summary>
    public static async Task<bool> TryUseAsync(this IReplayCache replayCache, OneTimeUse use, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replayCache);
        return (await replayCache.TryUseAllAsync([use], cancellationToken))[0];
    }
}
