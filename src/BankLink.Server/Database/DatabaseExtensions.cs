using BankLink.Data;
using BankLink.Data.Postgres;

namespace BankLink.Server.Database;

/// <summary>
/// Chooses the database: the server named by <c>ConnectionStrings:BankLink</c> (BankLink starts nothing),
/// or, without one, BankLink's own embedded PostgreSQL, started now and stopped when the host stops.
/// </summary>
public static class DatabaseExtensions
{
    public const string ConnectionStringName = "BankLink";

    /// <returns>The embedded cluster when BankLink runs its own PostgreSQL; the caller disposes it (stops it) last.</returns>
    public static async Task<EmbeddedPostgresCluster?> AddBankLinkDatabaseAsync(
        this IHostApplicationBuilder builder, ILoggerFactory loggerFactory, bool registerStartup = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        EmbeddedPostgresCluster? embedded = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var options = builder.Configuration.GetSection(EmbeddedPostgresOptions.SectionName).Get<EmbeddedPostgresOptions>() ?? new EmbeddedPostgresOptions();
            embedded = new EmbeddedPostgresCluster(options, loggerFactory.CreateLogger<EmbeddedPostgresCluster>());
            await embedded.StartAsync();
            connectionString = embedded.ConnectionString;
            builder.Services.AddSingleton(embedded);
            builder.Services.AddHostedService<EmbeddedPostgresLifetime>();
        }

        var isEmbedded = embedded is not null;
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName))
            .PostConfigure(options => options.SeedDemoAtStartup ??= isEmbedded);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddBankLinkData(connectionString);
        builder.Services.AddOptions<BankLink.Data.Keys.SigningKeyOptions>().Bind(builder.Configuration.GetSection(BankLink.Data.Keys.SigningKeyOptions.SectionName));
        builder.Services.AddOptions<BankLink.Data.Registrations.RegistrationOptions>().Bind(builder.Configuration.GetSection(BankLink.Data.Registrations.RegistrationOptions.SectionName));
        builder.Services.AddOptions<BankLink.Data.DataProtection.DpopNonceOptions>().Bind(builder.Configuration.GetSection(BankLink.Data.DataProtection.DpopNonceOptions.SectionName));
        builder.Services.AddOptions<BankLink.Data.Customers.CustomerSecurityOptions>().Bind(builder.Configuration.GetSection(BankLink.Data.Customers.CustomerSecurityOptions.SectionName));
        builder.AddKeyRingEncryption();
        if (registerStartup)
        {
            builder.Services.AddHostedService<DatabaseStartup>();
        }

        return embedded;
    }
}
