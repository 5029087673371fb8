using BankLink.Data.Notifications;

namespace BankLink.Server.Hosting;

/// <summary>
/// A request that may have stopped tokens (a customer ending a link, an operator revoking or suspending, a provider
/// revoking a token or a grant) is answered only once this node's access token cache has heard of what it
/// committed (<see cref="TokenStateFeed.SyncAsync"/>): whoever revoked and then tries the token on this node is
/// refused, never served from memory. Other nodes drop the token as their notification arrives.
/// Unsafe methods only, and not the token and PAR endpoints, whose hot paths stop no access token a provider is
/// still using with intent (a reused refresh token ends its grant; the notification still reaches every node).
/// </summary>
public static class TokenStateSync
{
    private static readonly PathString[] Exempt = ["/connect/token", "/connect/par"];

    public static WebApplication UseTokenStateSync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var feed = app.Services.GetRequiredService<TokenStateFeed>();
        app.Use(async (http, next) =>
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
                && !Exempt.Any(path => http.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
            {
                // Before the first byte of the answer: by then the handler's transaction has committed.
                http.Response.OnStarting(() => feed.SyncAsync(http.RequestAborted));
            }

            await next(http);
        });
        return app;
    }
}
