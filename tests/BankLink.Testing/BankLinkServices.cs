using BankLink.Data;
using BankLink.DemoBank;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BankLink.Testing;

/// <summary>BankLink's real data and demo-bank services over a test database, without HTTP.</summary>
public static class BankLinkServices
{
    public static ServiceProvider Build(string connectionString, TimeProvider? clock = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddOptions<DatabaseOptions>();
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddBankLinkData(connectionString);
        services.AddDemoBank();
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
