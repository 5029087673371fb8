using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Dpop;
using BankLink.Protocol.Endpoints.PushedAuthorization;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Server.Hosting.Protocol;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Apis;

/// <summary>
/// The pushed authorization request endpoint (RFC 9126), required for every client. The rules are the steps
/// of <see cref="PushedAuthorizationPipeline"/>; this class only moves HTTP in and out.
/// </summary>
public static class PushedAuthorizationApi
{
    public const string Path = "/connect/par";

    public static WebApplication MapPushedAuthorizationApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Path, PushAsync).WithName("PushedAuthorizationRequest").WithSummary("RFC 9126 pushed authorization request").DisableAntiforgery();
        return app;
    }

    private static async Task PushAsync(HttpContext http, Pipeline<PushedAuthorizationContext> pipeline, IssuerOptions issuer, IDpopNonces nonces, TimeProvider clock, ILoggerFactory loggers)
    {
        var request = await FormRequest.ReadAsync(http.Request);
        var basic = ProtocolResults.BasicCredentials(http.Request);
        var context = new PushedAuthorizationContext(
            request ?? ProtocolRequest.FromPairs([]),
            new ClientCredentials(request?.Get(Parameters.ClientId), request?.Get(Parameters.ClientAssertionType), request?.Get(Parameters.ClientAssertion),
                request?.Get(Parameters.ClientSecret), basic?.ClientId, basic?.Secret),
            issuer.Issuer, new Uri(issuer.Issuer.TrimEnd('/') + Path), [.. http.Request.Headers["DPoP"].Select(v => v ?? "")], clock.GetUtcNow());
        if (request is null)
        {
            context.Reject(ErrorCatalogue.MalformedBody, "PAR body not application/x-www-form-urlencoded or too large");
        }
        else
        {
            await pipeline.RunAsync(context, http.RequestAborted);
        }

        if (context.Error is not null)
        {
            if (context.Error.Error == Errors.UseDpopNonce)
            {
                http.Response.Headers["DPoP-Nonce"] = nonces.Issue();
            }

            await ProtocolResults.WriteErrorAsync(http, context, loggers.CreateLogger(typeof(PushedAuthorizationApi).FullName!));
            return;
        }

        await ProtocolResults.WriteJsonAsync(http, StatusCodes.Status201Created, context.Response!);
    }
}
