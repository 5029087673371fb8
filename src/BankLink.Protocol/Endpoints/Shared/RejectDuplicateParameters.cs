using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Endpoints.Shared;

/// <summary>RFC 6749 §3.1 and §3.2: a parameter sent twice is refused, never guessed at (an injection vector).</summary>
public sealed class RejectDuplicateParameters<TContext> : IStep<TContext> where TContext : BackChannelContext
{
    public ValueTask ExecuteAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var duplicated = context.Request.Duplicated.FirstOrDefault();
        if (duplicated is not null)
        {
            context.Reject(ErrorCatalogue.DuplicateParameter, "duplicated " + duplicated);
        }

        return ValueTask.CompletedTask;
    }
}
