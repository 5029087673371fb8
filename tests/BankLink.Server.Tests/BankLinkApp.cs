using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BankLink.Server.Tests;

/// <summary>
/// The real BankLink application (Program) in memory, on a real PostgreSQL database, with every log
/// message captured so tests can check what is and is not written.
/// </summary>
public sealed class BankLinkApp(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null) : WebApplicationFactory<Program>
{
    public CapturedLogs Logs { get; } = new();

    /// <summary>
    /// Serves the application on a real loopback socket (Kestrel, a free port), for a real browser, and returns
    /// its address. Call before anything else uses the application.
    /// </summary>
    public Uri StartRealServer()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:BankLink", connectionString);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (clock is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(clock));
        }

        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, TestEndpoints>());
    }

    /// <summary>
    /// Waits until this node has heard every change committed so far (LISTEN/NOTIFY, TokenStateFeed): what a test
    /// changed straight in the database, as another node or an operator would, has then reached the access token
    /// cache, as it reaches every node within milliseconds.
    /// </summary>
    public Task ChangesArrivedAsync() => Services.GetRequiredService<BankLink.Data.Notifications.TokenStateFeed>().SyncAsync(CancellationToken.None);

    /// <summary>Endpoints that exist only in tests, behind the real middleware: a handler that fails, one that reads a body.</summary>
    private sealed class TestEndpoints : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/_test/throw", branch => branch.Run(_ => throw new InvalidOperationException("secret internal detail")));
            app.Map("/_test/database-down", branch => branch.Run(_ => throw new Npgsql.NpgsqlException("Failed to connect to 10.0.0.9:5432 (secret host)",
                new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))));
            app.Map("/_test/read", branch => branch.Run(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                await context.Response.WriteAsync(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }));
        };
    }
}

/// <summary>Every log message BankLink writes, formatted, with its structured values.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            entries.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} | {values} | {exception}");
        }
    }
}
