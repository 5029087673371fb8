using BankLink.Domain.Operators;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary><c>GET /admin/v1/me</c>: who the API key speaks for, so a tool can check its key and role before it acts.</summary>
public static class AdminMeApi
{
    public sealed record AdminMe(string LoginId, string Role);

    public static IEndpointRouteBuilder MapAdminMeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAdminGroup().MapGet("/me", (HttpContext http) =>
        {
            var actor = http.RequireOperator();
            return TypedResults.Ok(new AdminMe(actor.LoginId, actor.Role.ToName()));
        });
        return endpoints;
    }
}
