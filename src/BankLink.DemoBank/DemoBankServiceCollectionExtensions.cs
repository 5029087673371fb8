using BankLink.CoreBanking;
using BankLink.CoreBanking.DemoLedger;
using BankLink.Data.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.DemoBank;

/// <summary>Registers the demo ledger as the core banking system, and the sandbox seeders.</summary>
public static class DemoBankServiceCollectionExtensions
{
    public static IServiceCollection AddDemoBank(this IServiceCollection services)
    {
        services.AddSingleton<ICoreBankingGateway, DemoLedgerGateway>();
        services.AddSingleton<OtpSeedProtector>();
        services.AddSingleton<DemoBankSeeder>();
        services.AddSingleton<BulkSeeder>();
        return services;
    }
}
