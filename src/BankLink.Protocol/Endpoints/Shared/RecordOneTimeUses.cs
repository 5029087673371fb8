using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Endpoints.Shared;

/// <summary>
/// Records the request's one-time values, the client assertion's jti (RFC 7523 §3 item 7) and the DPoP
/// proof's (RFC 9449 §11.1), in one write to the replay cache shared by every node, and refuses the request
/// if any was used before. It runs right after the checks that found them and before anything is read or
/// issued for the request; a request ends in <see cref="ProtocolContext.Complete"/> only after it.
/// </summary>
public sealed class RecordOneTimeUses<TContext>(IReplayCache replayCache) : IStep<TContext> where TContext : ProtocolContext
{
    public async ValueTask ExecuteAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pending = context.PendingOneTimeUses.ToArray();
        context.PendingOneTimeUses.Clear();
        if (pending.Length == 0)
        {
            return;
        }

        var firstUses = await replayCache.TryUseAllAsync(pending.Select(p => p.Use).ToArray(), cancellationToken);
        for (var i = 0; i < pending.Length; i++)
        {
            if (!firstUses[i])
            {
                context.Reject(pending[i].ErrorWhenReplayed, pending[i].DetailWhenReplayed);
                return;
            }
        }
    }
}
