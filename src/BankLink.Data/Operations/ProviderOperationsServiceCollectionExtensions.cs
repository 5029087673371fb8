using BankLink.CoreBanking;
using BankLink.Data.Operations.Dashboard;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Operations.ServiceHours;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BankLink.Data.Operations;

/// <summary>
/// Registers the provider-side and service operations of issue 6: providers, onboarding tokens, service hours and the
/// dashboard, with the background work they need (run only by a host: the server, not commands or data tests).
/// </summary>
public static class ProviderOperationsServiceCollectionExtensions
{
    public static IServiceCollection AddBankLinkProviderOperations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<ProviderOperations>();
        services.AddSingleton<OnboardingTokenOperations>();

        // The operators' service hours override configuration: this source replaces AddCoreBanking's, whichever of
        // the two registrations runs first (AddCoreBanking only adds its own when none is there).
        services.TryAddSingleton<ConfiguredServiceHours>();
        services.AddSingleton<DatabaseServiceHours>();
        services.Replace(ServiceDescriptor.Singleton<IServiceHoursSource>(provider => provider.GetRequiredService<DatabaseServiceHours>()));
        services.AddHostedService(provider => provider.GetRequiredService<DatabaseServiceHours>());
        services.AddSingleton<ServiceHoursOperations>();

        services.AddSingleton<RefusalCounter>();
        services.AddHostedService(provider => provider.GetRequiredService<RefusalCounter>());
        services.AddSingleton<StatisticsRollup>();
        services.AddHostedService(provider => provider.GetRequiredService<StatisticsRollup>());
        services.AddSingleton<DashboardStatistics>();
        return services;
    }
}
