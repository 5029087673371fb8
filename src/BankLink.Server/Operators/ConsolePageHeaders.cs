using Microsoft.AspNetCore.Mvc.Filters;

namespace BankLink.Server.Operators;

/// <summary>
/// What every console page sends (all pages under Pages/Console get it by convention): no framing (clickjacking), a
/// strict CSP with no script at all, and no caching of what an operator saw (customers' data, one-time secrets).
/// </summary>
internal sealed class ConsolePageHeaders : IPageFilter
{
    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentSecurityPolicy =
            "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.Pragma = "no-cache";
    }

    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Apply(context.HttpContext.Response);
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
