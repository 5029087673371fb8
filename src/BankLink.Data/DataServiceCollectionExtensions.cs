using BankLink.Data.DataProtection;
using BankLink.Data.Migrations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data;

/// <summary>Registers PostgreSQL, the EF Core model, the migrator and the shared Data Protection key ring.</summary>
public static class DataServiceCollectionExtensions
{
    public static IServiceCollection AddBankLinkData(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(ConnectionTuning.Apply(connectionString)) { Name = "BankLink" }.Build());
        services.AddDbContextPool<BankLinkDbContext>((provider, options) =>
        {
            var database = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            options.UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>(), npgsql =>
            {
                // Transient faults are retried by EF Core's execution strategy. With it on, code that opens
                // its own transaction must run inside strategy.ExecuteAsync, and work that could apply twice
                // (a commit whose answer was lost) must verify before repeating: see DatabaseWork.
                npgsql.EnableRetryOnFailure(database.MaxRetryCount, TimeSpan.FromSeconds(2), errorCodesToAdd: null);
                npgsql.CommandTimeout(database.CommandTimeoutSeconds);
            });
        });
        services.AddSingleton<Migrator>();
        services.AddSingleton<Audit.AuditTrail>();
        services.AddSingleton<Audit.AuditVerifier>();
        services.AddSingleton<Audit.DataReadAudit>();
        services.AddOptions<Registrations.RegistrationOptions>()
            .Validate(options => options.Lifetime > TimeSpan.Zero, "BankLink:Registration:Lifetime must be positive.")
            .ValidateOnStart();
        services.AddSingleton<Registrations.RegistrationStore>();
        services.AddSingleton<Links.LinkStore>();
        services.AddSingleton<Links.AccountStateChanges>();
        services.AddSingleton<Stores.ConsentStore>();
        services.AddSingleton<Stores.OnboardingTokenStore>();
        services.AddSingleton<Protocol.Stores.IOnboardingTokenVerifier, Stores.OnboardingTokenVerifier>();
        services.AddSingleton<Protocol.Stores.IClientStore, Stores.ClientStore>();
        services.AddSingleton<Protocol.Stores.IPushedRequestStore, Stores.PushedRequestStore>();
        services.AddOptions<Notifications.AccessTokenCacheOptions>()
            .Validate(o => o.MaxAge >= TimeSpan.Zero && o.MaxAge <= TimeSpan.FromMinutes(5) && o.MaxEntries > 0,
                "BankLink:TokenCache:MaxAge must be between 0 and 00:05:00 and MaxEntries positive.")
            .ValidateOnStart();
        services.AddSingleton<Notifications.AccessTokenCache>();
        services.AddSingleton<Notifications.TokenStateFeed>();
        services.AddSingleton<Protocol.Stores.ITokenStore, Stores.TokenStore>();
        services.AddSingleton<Protocol.Stores.IGrantStore, Stores.GrantStore>();
        services.AddSingleton<Keys.ServerSecrets>();
        services.AddOptions<Customers.CustomerSecurityOptions>()
            .Validate(o => !o.Problems().Any(), "BankLink:Customers has invalid settings.").ValidateOnStart();
        services.AddSingleton<OtpSeedProtector>();
        services.AddSingleton<Otp.OtpDeviceStore>();
        services.AddSingleton<Otp.OtpDeviceRegistration>();
        services.AddSingleton<Customers.ClientAddressThrottle>();
        services.AddSingleton<Customers.ConsecutiveFailures>();
        services.AddSingleton<Customers.CustomerAuthenticator>();
        services.AddSingleton<Customers.CustomerLockout>();
        services.AddSingleton<Pruning.ExpiredRowPruner>();
        Operations.ProviderOperationsServiceCollectionExtensions.AddBankLinkProviderOperations(services);
        services.AddSingleton<Protocol.Stores.IPairwiseSubjects, Keys.PairwiseSubjects>();
        services.AddSingleton<Stores.ReplayCache>();
        services.AddSingleton<Protocol.Stores.IReplayCache>(provider => provider.GetRequiredService<Stores.ReplayCache>());
        services.AddOptions<Keys.SigningKeyOptions>();
        services.AddOptions<DpopNonceOptions>();
        services.AddSingleton<Protocol.Dpop.IDpopNonces, DpopNonces>();
        services.AddSingleton<Keys.SigningKeyRing>();
        services.AddSingleton<Protocol.Stores.ISigningKeys>(provider => provider.GetRequiredService<Keys.SigningKeyRing>());
        Operations.OperationsServiceCollectionExtensions.AddBankLinkCustomerOperations(services);
        Operations.OperatorActionsServiceCollectionExtensions.AddBankLinkOperatorActions(services);
        services.AddBankLinkOperators();
        services.AddDataProtection().SetApplicationName("BankLink");
        services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((options, dataSource) => options.XmlRepository = new PostgresXmlRepository(dataSource));
        return services;
    }
}
