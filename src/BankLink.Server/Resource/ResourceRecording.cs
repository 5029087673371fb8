using BankLink.Data.Audit;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Server.Hosting.Protocol;

namespace BankLink.Server.Resource;

/// <summary>
/// The last step of every account request, wrapped around its handler so that none can forget it: once the handler
/// has decided its answer, and before a byte of it is sent, the request's DPoP proof jti, its <c>data_read</c>
/// events and the grant's due "last used" time are committed together (<see cref="DataReadAudit"/>). A proof whose
/// jti was already used is refused here (RFC 9449 §11.1) and the answer the handler prepared is dropped, so a
/// replayed request serves nothing and leaves no read in the trail. Requests refused before their proof was
/// verified record nothing (a proof refused for another reason keeps its jti, RFC 9449 §11.1).
/// </summary>
public sealed partial class ResourceRecording(DataReadAudit reads, ILogger<ResourceRecording> logger) : IEndpointFilter
{
    private static readonly object ItemKey = new();

    private sealed class Pending(OneTimeUse proofUse, Guid? touchGrantId)
    {
        public OneTimeUse ProofUse { get; } = proofUse;

        public Guid? TouchGrantId { get; } = touchGrantId;

        public List<AuditEvent> Events { get; } = [];
    }

    /// <summary>Called once the request's proof is verified: its jti (and the due "last used") will be recorded at the end.</summary>
    public static void Begin(HttpContext http, OneTimeUse proofUse, Guid? touchGrantId)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Items[ItemKey] = new Pending(proofUse, touchGrantId);
    }

    /// <summary>Adds a read the answer serves; it is committed before the answer is sent.</summary>
    public static void Served(HttpContext http, AuditEvent read)
    {
        ArgumentNullException.ThrowIfNull(http);
        var pending = http.Items[ItemKey] as Pending ?? throw new InvalidOperationException("A read was served before the request's proof was verified.");
        pending.Events.Add(read);
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        var http = context.HttpContext;
        if (http.Items[ItemKey] is not Pending pending)
        {
            return result;
        }

        if (!await reads.RecordAsync(new DataRead(pending.ProofUse, pending.Events, pending.TouchGrantId), http.RequestAborted))
        {
            return ResourceResults.Refuse(http, ErrorCatalogue.DpopProofReplayed, "jti replayed (recorded at the end of the request)", logger);
        }

        return result;
    }
}
