using BankLink.CoreBanking.DemoLedger;
using BankLink.CoreBanking.Http;
using BankLink.CoreBanking.Resilience;
using BankLink.CoreBanking.Snapshots;
using BankLink.Domain.Time;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BankLink.CoreBanking;

/// <summary>
/// Registers the core banking side: the core named by <c>BankLink:CoreBanking:Mode</c> (the demo ledger or the HTTP
/// adapter) behind <see cref="ResilientCoreBankingGateway"/> as the one <see cref="ICoreBankingGateway"/>, the service
/// hours, the snapshots and <see cref="AccountDataReader"/>. The host binds the two configuration sections.
/// </summary>
public static class CoreBankingServiceCollectionExtensions
{
    public static IServiceCollection AddCoreBanking(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CoreBankingOptions>()
            .Validate(o => !o.Problems().Any(), $"{CoreBankingOptions.SectionName} has invalid settings.").ValidateOnStart();
        services.AddOptions<ServiceHoursOptions>()
            .Validate(o => !ServiceHours.Problems(o).Any(), $"{ServiceHoursOptions.SectionName} has invalid settings.").ValidateOnStart();
        services.AddSingleton<DemoLedgerGateway>();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CoreBankingOptions>>().Value;
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = options.AttemptTimeout,
            };

            // Polly owns the timeouts: HttpClient's own would only ever cut in later.
            return new HttpCoreBankingGateway(new HttpClient(handler) { BaseAddress = WithTrailingSlash(options.BaseAddress), Timeout = Timeout.InfiniteTimeSpan });
        });
        services.AddSingleton<ICoreBankingGateway>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<CoreBankingOptions>>().Value;
            ICoreBankingGateway inner = options.Mode == CoreBankingMode.Http
                ? provider.GetRequiredService<HttpCoreBankingGateway>()
                : provider.GetRequiredService<DemoLedgerGateway>();
            return new ResilientCoreBankingGateway(inner, options, provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<ResilientCoreBankingGateway>>());
        });
        // The configured hours, unless another source was registered (BankLink.Data's operators' document overrides them).
        services.TryAddSingleton<ConfiguredServiceHours>();
        services.TryAddSingleton<IServiceHoursSource>(provider => provider.GetRequiredService<ConfiguredServiceHours>());
        services.AddSingleton<CoreSnapshotStore>();
        services.AddSingleton<AccountDataReader>();
        return services;
    }

    private static Uri? WithTrailingSlash(Uri? address) =>
        address is null || address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
