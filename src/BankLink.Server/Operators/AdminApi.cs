namespace BankLink.Server.Operators;

/// <summary>
/// The admin API's common ground: every endpoint sits under <c>/admin/v1</c>, needs an API key of an active operator
/// (at least a viewer; endpoints ask more with <see cref="OperatorPolicies"/>), and answers are never cached.
/// </summary>
public static class AdminApi
{
    public const string BasePath = "/admin/v1";

    /// <summary>A route group under /admin/v1 with the viewer policy and <c>Cache-Control: no-store</c>; add endpoints to it.</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(BasePath).RequireAuthorization(OperatorPolicies.Viewer);
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
        return group;
    }
}
