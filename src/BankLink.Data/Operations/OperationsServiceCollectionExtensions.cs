using BankLink.CoreBanking;
using BankLink.Data.Operations.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Data.Operations.FourEyes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Operations;

/// <summary>
/// Registers the operator services for customers (issue 6): the customer directory and customer actions, the
/// audit search, export and check, and the four-eyes policy and queue. The host's configuration is read when present
/// (<c>BankLink:Operators:FourEyes</c>), so services built without one (tests, tools) get the defaults.
/// </summary>
public static class OperationsServiceCollectionExtensions
{
    public static IServiceCollection AddBankLinkCustomerOperations(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FourEyesOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                // A list (FourEyes:0, FourEyes:1 ...), or one comma-separated value (an environment variable).
                if (provider.GetService<IConfiguration>()?.GetSection($"{FourEyesOptions.SectionName}:FourEyes") is { } section && section.Exists())
                {
                    options.FourEyes = section.Get<string[]>() is { Length: > 0 } listed
                        ? listed
                        : (section.Value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                }
            })
            .Validate(options => !options.Problems().Any(), $"{FourEyesOptions.SectionName}:FourEyes names an unknown operator action.")
            .ValidateOnStart();
        services.AddSingleton<ICoreAccountSearch>(provider =>
            provider.GetRequiredService<IOptions<CoreBankingOptions>>().Value.Mode == CoreBankingMode.Demo
                ? new DemoLedgerAccountSearch(provider.GetRequiredService<NpgsqlDataSource>())
                : new UnavailableAccountSearch());
        services.AddSingleton<CustomerDirectory>();
        services.AddSingleton<CustomerLinkOperations>();
        services.AddSingleton<CustomerSecurityOperations>();
        services.AddSingleton<AccountStateOperations>();
        services.AddSingleton<CustomerActionExecutor>();
        services.AddSingleton<AuditSearch>();
        services.AddSingleton<AuditIntegrity>();
        services.AddSingleton<FourEyesPolicy>();
        services.AddSingleton<FourEyesQueue>();
        return services;
    }
}
