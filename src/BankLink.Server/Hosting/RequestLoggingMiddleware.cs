using System.Diagnostics;

namespace BankLink.Server.Hosting;

/// <summary>
/// Writes one line per request and returns the request's id in the <c>X-Request-Id</c> header. The id is
/// ASP.NET Core's TraceIdentifier, which its hosting log scope already puts on every line written while the
/// request runs (property RequestId), and which problem details carry as <c>requestId</c>: one id from the
/// provider's error report to the operator's log line.
/// </summary>
/// <remarks>
/// The line names method, path, status and duration only. Query strings, headers and bodies are never
/// logged: they carry authorization codes, tokens, DPoP proofs, client assertions and passwords.
/// </remarks>
public sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public const string RequestIdHeader = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var requestId = context.TraceIdentifier;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[RequestIdHeader] = requestId;
            return Task.CompletedTask;
        });

        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var status = context.Response.StatusCode;
            if (status >= 500)
            {
                LogFailed(logger, context.Request.Method, context.Request.Path, status, elapsed);
            }
            else
            {
                LogCompleted(logger, context.Request.Method, context.Request.Path, status, elapsed);
            }
        }
    }

    [LoggerMessage(EventId = 6401, Level = LogLevel.Information, Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:F1} ms")]
    private static partial void LogCompleted(ILogger logger, string method, PathString path, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Error, Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:F1} ms")]
    private static partial void LogFailed(ILogger logger, string method, PathString path, int statusCode, double elapsedMs);
}
