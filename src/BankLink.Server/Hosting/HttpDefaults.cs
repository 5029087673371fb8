using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace BankLink.Server.Hosting;

/// <summary>
/// What every BankLink HTTP response shares: RFC 9457 problem details for every error (unknown routes and
/// bad requests included, never an HTML page or a bare 500), request size limits, and baseline headers.
/// </summary>
public static partial class HttpDefaults
{
    /// <summary>Where a problem's <c>type</c> points: the developer docs page per status.</summary>
    public const string ProblemTypeBase = "https://developer.banklink.example/problems/";

    public static IHostApplicationBuilder AddBankLinkHttpDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
            problem.Extensions.Remove("traceId");
            if (problem.Status is { } status && (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal)))
            {
                problem.Type = ProblemTypeBase + status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });

        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options =>
        {
            options.AddServerHeader = false;

            // OAuth requests are small; a large body is an attack or a mistake (STYLE.md 7: input limits).
            options.Limits.MaxRequestBodySize = builder.Configuration.GetValue<long?>("BankLink:Http:MaxRequestBodyBytes") ?? 64 * 1024;
            options.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            options.Limits.MaxRequestLineSize = 8 * 1024;
        });
        return builder;
    }

    public static WebApplication UseBankLinkRequestLogging(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestLoggingMiddleware>();
        return app;
    }

    /// <summary>What a 503 for an unreachable database asks clients to wait: long enough for a failover to settle.</summary>
    private const string DatabaseRetryAfterSeconds = "5";

    public static WebApplication UseBankLinkErrors(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Unhandled exceptions become a 500 problem with no detail (the log has it, under the request id);
        // bad requests (malformed input, oversized bodies) become 400/413 problems, never a 500; PostgreSQL out of
        // reach (a refused or broken connection, a failover, an exhausted pool) is 503 with Retry-After (RFC 9110
        // §15.6.4): the client did nothing wrong and may retry.
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !context.Response.Headers.ContainsKey("Retry-After"))
                {
                    context.Response.Headers.RetryAfter = DatabaseRetryAfterSeconds;
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                Npgsql.NpgsqlException database when database.IsTransient || database is not Npgsql.PostgresException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication UseBankLinkSecurityHeaders(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.XFrameOptions = "DENY";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    // APIs render nothing: the strictest policy. Pages set their own.
                    headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }

    /// <summary>Tells the person who ran BankLink where it listens, once it does.</summary>
    public static WebApplication LogListeningAddresses(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            foreach (var address in addresses)
            {
                LogListening(app.Logger, address);
            }
        });
        return app;
    }

    [LoggerMessage(EventId = 6403, Level = LogLevel.Information,
        Message = "BankLink is ready at {Address} (health: {Address}/health/ready; sandbox logins: README.md)")]
    private static partial void LogListening(ILogger logger, string address);
}
