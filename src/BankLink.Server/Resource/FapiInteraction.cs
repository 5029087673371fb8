using Microsoft.AspNetCore.Http.HttpResults;

namespace BankLink.Server.Resource;

/// <summary>
/// FAPI's <c>x-fapi-interaction-id</c> (FAPI 2.0 Security Profile, and the FAPI 1 Baseline header it keeps): a
/// provider's UUID is echoed, anything else is replaced by a new one, so every resource response, refusals
/// included, carries the id that links the provider's log, BankLink's log and problem body, and the audit trail.
/// Also marks every response not to be stored (RFC 9111 §5.2.2.5): they carry account data or token refusals.
/// </summary>
public sealed class FapiInteraction : IEndpointFilter
{
    public const string HeaderName = "x-fapi-interaction-id";

    private static readonly object ItemKey = new();

    /// <summary>This request's interaction id (set before the handler runs).</summary>
    public static string IdOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items[ItemKey] as string ?? throw new InvalidOperationException("The interaction id filter did not run.");
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var presented = http.Request.Headers[HeaderName];
        var id = presented.Count == 1 && Guid.TryParseExact(presented[0], "D", out _) ? presented[0]! : Guid.NewGuid().ToString("D");
        http.Items[ItemKey] = id;
        http.Response.Headers[HeaderName] = id;
        http.Response.Headers.CacheControl = "no-store";

        var result = await next(context);
        if (result is ProblemHttpResult problem)
        {
            problem.ProblemDetails.Extensions["interactionId"] = id;
        }

        return result;
    }
}
