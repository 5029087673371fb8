using BankLink.Protocol.Endpoints.Registration;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Server.Hosting.Protocol;

namespace BankLink.Server.Apis;

/// <summary>
/// Dynamic client registration (RFC 7591), open only to holders of a provider onboarding token, and client
/// configuration (RFC 7592) with the registration access token. The rules are the steps of
/// <see cref="RegistrationPipeline"/>; this class only moves HTTP in and out.
/// </summary>
public static class RegistrationApi
{
    public const string Path = "/connect/register";

    /// <summary>Client metadata is small; a larger body is refused (after the token check) without being parsed.</summary>
    public const int MaxBodyBytes = 32 * 1024;

    public static WebApplication MapRegistrationApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Path, RegisterAsync).WithName("RegisterClient").WithSummary("RFC 7591 dynamic client registration");
        app.MapGet(Path + "/{clientId}", (HttpContext http, string clientId, RegistrationPipeline pipelines, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers) =>
            RunAsync(http, pipelines.Read, new(ProtocolResults.BearerToken(http.Request), null, clock.GetUtcNow(), Endpoint(issuer), clientId), StatusCodes.Status200OK, loggers))
            .WithName("ReadClient").WithSummary("RFC 7592 client read");
        app.MapPut(Path + "/{clientId}", async (HttpContext http, string clientId, RegistrationPipeline pipelines, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers) =>
            await RunAsync(http, pipelines.Update, new(ProtocolResults.BearerToken(http.Request), await ReadJsonBodyAsync(http.Request), clock.GetUtcNow(), Endpoint(issuer), clientId), StatusCodes.Status200OK, loggers))
            .WithName("UpdateClient").WithSummary("RFC 7592 client update");
        app.MapDelete(Path + "/{clientId}", (HttpContext http, string clientId, RegistrationPipeline pipelines, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers) =>
            RunAsync(http, pipelines.Delete, new(ProtocolResults.BearerToken(http.Request), null, clock.GetUtcNow(), Endpoint(issuer), clientId), StatusCodes.Status204NoContent, loggers))
            .WithName("DeleteClient").WithSummary("RFC 7592 client delete");
        return app;
    }

    private static async Task RegisterAsync(HttpContext http, RegistrationPipeline pipelines, IssuerOptions issuer, TimeProvider clock, ILoggerFactory loggers)
    {
        var context = new RegistrationContext(ProtocolResults.BearerToken(http.Request), await ReadJsonBodyAsync(http.Request), clock.GetUtcNow(), Endpoint(issuer));
        await RunAsync(http, pipelines.Register, context, StatusCodes.Status201Created, loggers);
    }

    private static async Task RunAsync(HttpContext http, Pipeline<RegistrationContext> pipeline, RegistrationContext context, int successStatus, ILoggerFactory loggers)
    {
        await pipeline.RunAsync(context, http.RequestAborted);
        if (context.Error is not null)
        {
            await ProtocolResults.WriteErrorAsync(http, context, loggers.CreateLogger(typeof(RegistrationApi).FullName!));
            return;
        }

        if (context.Response is null)
        {
            http.Response.StatusCode = successStatus;
            http.Response.Headers.CacheControl = "no-store";
            return;
        }

        if (successStatus == StatusCodes.Status201Created)
        {
            http.Response.Headers.Location = context.Response[ProtocolConstants.Parameters.RegistrationClientUri]!.GetValue<string>();
        }

        await ProtocolResults.WriteJsonAsync(http, successStatus, context.Response);
    }

    private static string Endpoint(IssuerOptions issuer) => issuer.Issuer.TrimEnd('/') + Path;

    private static async Task<string?> ReadJsonBodyAsync(HttpRequest request)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        var buffer = new char[MaxBodyBytes + 1];
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
        var read = await reader.ReadBlockAsync(buffer, request.HttpContext.RequestAborted);
        return read > MaxBodyBytes ? null : new string(buffer, 0, read);
    }
}
