using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Pipeline;

/// <summary>
/// The state one request carries through its endpoint's steps. Steps end a request only through
/// <see cref="Reject"/> or <see cref="Complete"/> (STYLE.md 2); the host adapter turns the outcome into HTTP.
/// </summary>
public abstract class ProtocolContext
{
    public ProtocolError? Error { get; private set; }

    /// <summary>What the log and audit trail get: the specific cause behind the client-facing error.</summary>
    public string? ErrorDetail { get; private set; }

    public bool IsCompleted { get; private set; }

    public bool IsEnded => Error is not null || IsCompleted;

    /// <summary>
    /// One-time values (assertion and proof jtis) verified but not yet recorded, each with the refusal to give
    /// when it turns out to be a replay. Recorded together by <see cref="Endpoints.Shared.RecordOneTimeUses{TContext}"/>.
    /// </summary>
    public List<PendingOneTimeUse> PendingOneTimeUses { get; } = [];

    public void Reject(ProtocolError error, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error ??= error;
        ErrorDetail ??= detail;
    }

    public void Complete()
    {
        // Fail closed: a request that succeeded without recording its one-time values would let them be replayed.
        if (PendingOneTimeUses.Count > 0)
        {
            throw new InvalidOperationException("A request completed with one-time values it never recorded: its pipeline lacks RecordOneTimeUses.");
        }

        IsCompleted = true;
    }
}

/// <summary>A verified one-time value waiting to be recorded, and the refusal if it was used before.</summary>
public sealed record PendingOneTimeUse(Stores.OneTimeUse Use, ProtocolError ErrorWhenReplayed, string DetailWhenReplayed);

/// <summary>One rule of one endpoint (STYLE.md 1): a sealed class named verb + object.</summary>
public interface IStep<in TContext> where TContext : ProtocolContext
{
    ValueTask ExecuteAsync(TContext context, CancellationToken cancellationToken);
}

/// <summary>
/// An endpoint's steps in the order they run, written out in its <c>&lt;Endpoint&gt;Pipeline.cs</c>; no
/// numeric orders, no discovery by reflection. Runs until a step rejects or completes the request.
/// </summary>
public sealed class Pipeline<TContext>(IReadOnlyList<IStep<TContext>> steps) where TContext : ProtocolContext
{
    public IReadOnlyList<IStep<TContext>> Steps { get; } = steps;

    public async ValueTask RunAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var step in Steps)
        {
            await step.ExecuteAsync(context, cancellationToken);
            if (context.IsEnded)
            {
                return;
            }
        }

        // Fail closed: a pipeline whose steps neither completed nor rejected is a bug, never a success.
        if (!context.IsEnded)
        {
            context.Reject(new ProtocolError(ProtocolConstants.Errors.ServerError, "BL2999", "The server could not complete the request."), "pipeline ended without an outcome");
        }
    }
}
