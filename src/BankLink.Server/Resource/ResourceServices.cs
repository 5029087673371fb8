using Microsoft.Extensions.Options;

namespace BankLink.Server.Resource;

/// <summary>Registers the resource API's parts; <c>BankLink:ResourceApi</c> is checked at startup.</summary>
public static class ResourceServices
{
    public static IHostApplicationBuilder AddBankLinkResourceApi(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ResourceApiOptions>().Bind(builder.Configuration.GetSection(ResourceApiOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ResourceApiOptions>, ValidateResourceApiOptions>();
        builder.Services.AddSingleton<ResourceIdentifiers>();
        builder.Services.AddSingleton<ResourceRateLimiter>();
        builder.Services.AddSingleton<ResourceAccess>();
        builder.Services.AddSingleton<ResourceRecording>();
        builder.Services.AddSingleton<IAccountStateReporter, LinkAccountStateReporter>();
        return builder;
    }
}
