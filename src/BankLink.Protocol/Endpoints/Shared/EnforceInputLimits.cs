using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Endpoints.Shared;

/// <summary>Every parameter within its length limit before anything looks it up (STYLE.md 7).</summary>
public sealed class EnforceInputLimits<TContext> : IStep<TContext> where TContext : BackChannelContext
{
    public ValueTask ExecuteAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var tooLong = context.Request.Names.FirstOrDefault(name => (context.Request.Get(name)?.Length ?? 0) > InputLimits.For(name));
        if (tooLong is not null)
        {
            context.Reject(ErrorCatalogue.ParameterTooLong, tooLong + " too long");
        }

        return ValueTask.CompletedTask;
    }
}
