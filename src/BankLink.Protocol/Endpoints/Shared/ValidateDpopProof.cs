using BankLink.Protocol.Dpop;
using BankLink.Protocol.Pipeline;

namespace BankLink.Protocol.Endpoints.Shared;

/// <summary>
/// Checks the request's DPoP proof (RFC 9449 §4.3). <paramref name="required"/>: the token endpoint must
/// have one (every token is DPoP-bound); at PAR it is optional (§10) and, when sent, binds the request.
/// The proof's jti is left for <see cref="RecordOneTimeUses{TContext}"/>.
/// </summary>
public sealed class ValidateDpopProof<TContext>(DpopProofValidator validator, bool required) : IStep<TContext> where TContext : BackChannelContext
{
    public ValueTask ExecuteAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.DpopHeaders.Count == 0 && !required)
        {
            return ValueTask.CompletedTask;
        }

        var (proof, error, detail) = validator.Verify(new DpopRequest(context.DpopHeaders, "POST", context.Endpoint));
        if (error is not null)
        {
            context.Reject(error, detail);
            return ValueTask.CompletedTask;
        }

        context.DpopThumbprint = proof!.JwkThumbprint;
        var (_, replayed, replayedDetail) = DpopProofValidator.Replayed(proof);
        context.PendingOneTimeUses.Add(new PendingOneTimeUse(proof.Use, replayed!, replayedDetail!));
        return ValueTask.CompletedTask;
    }
}
