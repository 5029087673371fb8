using System.Text.Json.Nodes;
using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Dpop;
using BankLink.Protocol.Endpoints.Shared;
using BankLink.Protocol.Primitives;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Hosting.Protocol;

/// <summary>
/// The HTTP side of every client-to-bank request (PAR, token, introspection, revocation): a form body,
/// client credentials from the form or the Basic header, DPoP headers in; a JSON answer or an RFC 6749
/// §5.2 error out, with a fresh DPoP-Nonce when a nonce is what was missing.
/// </summary>
public static class BackChannel
{
    public sealed record Input(ProtocolRequest? Request, ClientCredentials Credentials, string[] DpopHeaders)
    {
        public ProtocolRequest RequestOrEmpty => Request ?? ProtocolRequest.FromPairs([]);
    }

    public static async Task<Input> ReadAsync(HttpRequest http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = await FormRequest.ReadAsync(http);
        var basic = ProtocolResults.BasicCredentials(http);
        var credentials = new ClientCredentials(request?.Get(Parameters.ClientId), request?.Get(Parameters.ClientAssertionType), request?.Get(Parameters.ClientAssertion),
            request?.Get(Parameters.ClientSecret), basic?.ClientId, basic?.Secret);
        return new Input(request, credentials, [.. http.Headers["DPoP"].Select(v => v ?? "")]);
    }

    /// <summary>Refuses a body that was not a form before running the steps, else runs them; then writes the outcome.</summary>
    public static async Task RespondAsync<TContext>(
        HttpContext http, Input input, TContext context, BankLink.Protocol.Pipeline.Pipeline<TContext> pipeline, Func<TContext, JsonObject?> response, int successStatus, ILogger logger)
        where TContext : BackChannelContext
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(response);
        if (input.Request is null)
        {
            context.Reject(ErrorCatalogue.MalformedBody, "body not application/x-www-form-urlencoded or too large");
        }
        else
        {
            await pipeline.RunAsync(context, http.RequestAborted);
        }

        if (context.Error is not null)
        {
            if (context.Error.Error == Errors.UseDpopNonce)
            {
                http.Response.Headers["DPoP-Nonce"] = http.RequestServices.GetRequiredService<IDpopNonces>().Issue();
            }

            await ProtocolResults.WriteErrorAsync(http, context, logger);
            return;
        }

        if (response(context) is { } body)
        {
            await ProtocolResults.WriteJsonAsync(http, successStatus, body);
        }
        else
        {
            http.Response.StatusCode = successStatus;
            http.Response.Headers.CacheControl = "no-store";
        }
    }
}
