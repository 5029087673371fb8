using BankLink.Protocol.Primitives;
using BankLink.Protocol.Resource;
using BankLink.Server.Hosting.Protocol;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Apis;

/// <summary>
/// UserInfo (OIDC Core §5.3) with a DPoP-bound access token: the pairwise sub only. BankLink gives providers
/// no personal attributes beyond the account data the customer allows.
/// </summary>
public static class UserInfoApi
{
    public const string Path = "/connect/userinfo";

    public static WebApplication MapUserInfoApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapMethods(Path, ["GET", "POST"], UserInfoAsync).WithName("UserInfo").DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, AccessTokenValidator validator, IssuerOptions issuer, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(UserInfoApi).FullName!);
        var result = await validator.ValidateAsync([.. http.Request.Headers.Authorization.Select(v => v ?? "")], [.. http.Request.Headers["DPoP"].Select(v => v ?? "")],
            http.Request.Method, issuer.EndpointUri(Path), http.RequestAborted);
        if (result.Error is not null)
        {
            return ResourceResults.Refuse(http, result.Error, result.Detail, logger);
        }

        var token = result.Token!;
        if (token.Subject is null || !token.Scope.Split(' ').Contains(Scopes.OpenId))
        {
            return ResourceResults.Refuse(http, ErrorCatalogue.ScopeInsufficient, "userinfo without openid", logger);
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new Dictionary<string, string> { ["sub"] = token.Subject });
    }
}
