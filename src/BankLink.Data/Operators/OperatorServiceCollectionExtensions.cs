using BankLink.Data.Operators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BankLink.Data;

/// <summary>Registers operator accounts, their login and the admin API's keys.</summary>
public static class OperatorServiceCollectionExtensions
{
    public static IServiceCollection AddBankLinkOperators(this IServiceCollection services)
    {
        // Bound from BankLink:Operators where the host has configuration (the server, the commands); defaults otherwise.
        services.AddSingleton<IConfigureOptions<OperatorSecurityOptions>>(provider => new ConfigureNamedOptions<OperatorSecurityOptions>(
            Options.DefaultName, options => provider.GetService<IConfiguration>()?.GetSection(OperatorSecurityOptions.SectionName).Bind(options)));
        services.AddOptions<OperatorSecurityOptions>()
            .Validate(options => !options.Problems().Any(), $"{OperatorSecurityOptions.SectionName} has invalid settings.")
            .ValidateOnStart();
        services.AddSingleton<OperatorSeedProtector>();
        services.AddSingleton<OperatorStore>();
        services.AddSingleton<OperatorAuthenticator>();
        services.AddSingleton<OperatorApiKeys>();
        return services;
    }
}
