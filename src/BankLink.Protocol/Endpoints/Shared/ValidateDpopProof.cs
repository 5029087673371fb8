using BankLink.Protocol.Dpop;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;

namespace BankLink.Protocol.Endpoints.Shared;

/// <summary>
/// Checks the request's DPoP proof (RFC 9449 §4.3). <paramref name="required"/>: the token endpoint must
/// have one (every token is DPoP-bound); at PAR it is optional (§10) and, when sent, binds the request.
/// </summary>
public sealed class ValidateDpopProof<TContext>(DpopProofValidator validator, bool required) : IStep<TContext> where TContext : BackChannelContext
{
    public async ValueTask ExecuteAsync(TContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.DpopHeaders.Count == 0 && !required)
        {
            return;
        }

        var (proof, error, detail) = await validator.ValidateAsync(new DpopRequest(context.DpopHeaders, "POST", context.Endpoint), cancellationToken);
        if (error is not null)
        {
            context.Reject(error, detail);
            return;
        }

        context.DpopThumbprint = proof!.JwkThumbprint;
    }
}
