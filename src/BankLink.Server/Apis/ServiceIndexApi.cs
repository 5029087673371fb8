using Microsoft.AspNetCore.Http.HttpResults;

namespace BankLink.Server.Apis;

/// <summary><c>GET /</c>: what this server is and where its parts are, for a person or a script that just started it.</summary>
public static class ServiceIndexApi
{
    public static WebApplication MapServiceIndexApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", GetIndex).WithName("ServiceIndex").WithSummary("What this BankLink server offers");
        return app;
    }

    private static Ok<ServiceIndex> GetIndex(HttpContext context)
    {
        var root = $"{context.Request.Scheme}://{context.Request.Host}";
        return TypedResults.Ok(new ServiceIndex(
            "BankLink",
            "The bank's side of API linking: OAuth 2.0 / OpenID Connect authorization server and account-data API.",
            new Dictionary<string, string>
            {
                ["health_live"] = root + "/health/live",
                ["health_ready"] = root + "/health/ready",
                ["openid_configuration"] = root + BankLink.Protocol.Endpoints.Discovery.ServerMetadata.OpenIdConfigurationPath,
                ["jwks_uri"] = root + BankLink.Protocol.Endpoints.Discovery.ServerMetadata.JwksPath,
                ["registration_endpoint"] = root + RegistrationApi.Path,
            }));
    }

    /// <summary>The service's name, purpose and entry points.</summary>
    public sealed record ServiceIndex(string Name, string Description, IReadOnlyDictionary<string, string> Links);
}
