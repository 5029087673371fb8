using BankLink.CoreBanking;
using BankLink.Data.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.DemoBank;

/// <summary>Registers the core banking side (the demo ledger by default), and the sandbox seeders.</summary>
public static class DemoBankServiceCollectionExtensions
{
    public static IServiceCollection AddDemoBank(this IServiceCollection services)
    {
        // The demo ledger is the default core (BankLink:CoreBanking:Mode Demo), behind the same Polly pipeline as a real one.
        services.AddCoreBanking();
        services.AddSingleton<OtpSeedProtector>();
        services.AddSingleton<DemoBankSeeder>();
        services.AddSingleton<BulkSeeder>();
        return services;
    }
}
