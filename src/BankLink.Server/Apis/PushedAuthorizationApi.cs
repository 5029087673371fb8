using BankLink.Protocol.Endpoints.PushedAuthorization;
using BankLink.Protocol.Pipeline;
using BankLink.Server.Hosting.Protocol;

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

    private static async Task PushAsync(HttpContext http, Pipeline<PushedAuthorizationContext> pipeline, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers)
    {
        var input = await BackChannel.ReadAsync(http.Request);
        var context = new PushedAuthorizationContext(input.RequestOrEmpty, input.Credentials, issuer.Issuer, issuer.EndpointUri(Path), input.DpopHeaders, clock.GetUtcNow());
        await BackChannel.RespondAsync(http, input, context, pipeline, c => c.Response, StatusCodes.Status201Created, loggers.CreateLogger(typeof(PushedAuthorizationApi).FullName!));
    }
}
