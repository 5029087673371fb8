using BankLink.Data.Postgres;
using BankLink.DemoBank;
using BankLink.Server.Database;
using BankLink.Server.Hosting;

namespace BankLink.Server.Commands;

/// <summary>
/// The services a command needs, built from the same configuration as the server, with the same database
/// choice (configured server, or the embedded one started for the command's duration).
/// </summary>
internal sealed class CommandHost : IAsyncDisposable
{
    private readonly EmbeddedPostgresCluster? _embedded;

    private CommandHost(IHost host, EmbeddedPostgresCluster? embedded)
    {
        Host = host;
        _embedded = embedded;
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public static async Task<CommandHost> CreateAsync(string[] args)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
        var logging = builder.AddBankLinkLogging();
        var embedded = await builder.AddBankLinkDatabaseAsync(logging, registerStartup: false);
        builder.Services.AddDemoBank();
        builder.AddBankLinkCoreBanking();
        return new CommandHost(builder.Build(), embedded);
    }

    public async ValueTask DisposeAsync()
    {
        Host.Dispose();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}
