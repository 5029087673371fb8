using BankLink.Data.Operations.Dashboard;
using BankLink.Protocol.Endpoints.Introspection;
using BankLink.Protocol.Endpoints.Token;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Server.Hosting.Protocol;

namespace BankLink.Server.Apis;

/// <summary>
/// The token endpoint (RFC 6749 §3.2), introspection (RFC 7662) and revocation (RFC 7009). The rules are the
/// steps of <see cref="TokenPipeline"/> and <see cref="TokenManagementPipelines"/>; this class only moves HTTP.
/// </summary>
public static class TokenApi
{
    public const string TokenPath = "/connect/token";
    public const string IntrospectionPath = "/connect/introspect";
    public const string RevocationPath = "/connect/revoke";

    public static WebApplication MapTokenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(TokenPath, TokenAsync).WithName("Token").WithSummary("RFC 6749 token endpoint").DisableAntiforgery();
        app.MapPost(IntrospectionPath, (HttpContext http, TokenManagementPipelines pipelines, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers) =>
            ManageAsync(http, pipelines.Introspect, IntrospectionPath, issuer, clock, loggers)).WithName("Introspection").DisableAntiforgery();
        app.MapPost(RevocationPath, (HttpContext http, TokenManagementPipelines pipelines, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers) =>
            ManageAsync(http, pipelines.Revoke, RevocationPath, issuer, clock, loggers)).WithName("Revocation").DisableAntiforgery();
        return app;
    }

    private static async Task TokenAsync(HttpContext http, Pipeline<TokenContext> pipeline, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers, RefusalCounter counts)
    {
        var input = await BackChannel.ReadAsync(http.Request);
        var context = new TokenContext(input.RequestOrEmpty, input.Credentials, issuer.Issuer, issuer.EndpointUri(TokenPath), input.DpopHeaders, clock.GetUtcNow());
        await BackChannel.RespondAsync(http, input, context, pipeline, c => c.Response, StatusCodes.Status200OK, loggers.CreateLogger(typeof(TokenApi).FullName!));
        Count(context, counts);
    }

    /// <summary>
    /// The operators' dashboard counts an authenticated client's token requests, and the refusals that tell of a
    /// link's health (issue 6: revoked, wrong sender, consent ended); mistakes in the request itself are not counted.
    /// </summary>
    private static void Count(TokenContext context, RefusalCounter counts)
    {
        if (context.Client is not { } client)
        {
            return;
        }

        counts.RecordRequest(client.ClientId);
        RefusalReason? reason = context.Error switch
        {
            null => null,
            var e when e == ErrorCatalogue.RefreshTokenEnded => RefusalReason.ConsentEnded,
            var e when e == ErrorCatalogue.RefreshTokenReused => RefusalReason.Revoked,
            var e when e == ErrorCatalogue.WrongSender || e.Error == ProtocolConstants.Errors.InvalidDpopProof => RefusalReason.WrongSender,
            _ => null,
        };
        if (reason is { } counted)
        {
            counts.Record(client.ClientId, counted);
        }
    }

    private static async Task ManageAsync(HttpContext http, Pipeline<TokenManagementContext> pipeline, string path, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers)
    {
        var input = await BackChannel.ReadAsync(http.Request);
        var context = new TokenManagementContext(input.RequestOrEmpty, input.Credentials, issuer.Issuer, issuer.EndpointUri(path), clock.GetUtcNow());
        await BackChannel.RespondAsync(http, input, context, pipeline, c => c.Response, StatusCodes.Status200OK, loggers.CreateLogger(typeof(TokenApi).FullName!));
    }
}
