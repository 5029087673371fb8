using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Json;

namespace BankLink.Server.Hosting;

/// <summary>
/// Serilog to the console: structured JSON in production (one event per line for the log collector),
/// readable text in Development. The level comes from configuration (<c>Serilog:MinimumLevel</c>).
/// Every line written while a request runs carries its RequestId (see <see cref="RequestLoggingMiddleware"/>).
/// </summary>
public static class LoggingExtensions
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {RequestId} {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// The Serilog section without empty values: configuration flattened into switches (as test hosts and
    /// some orchestrators do) carries parents as empty strings, which Serilog would read as an invalid level.
    /// </summary>
    private static IConfiguration SerilogSettings(IConfiguration configuration) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.GetSection("Serilog").AsEnumerable().Where(kv => !string.IsNullOrEmpty(kv.Value)))
            .Build();

    /// <summary>Replaces the default providers with Serilog and returns a factory usable before the host is built.</summary>
    public static ILoggerFactory AddBankLinkLogging(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
            .ReadFrom.Configuration(SerilogSettings(builder.Configuration))
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", "BankLink");
        configuration = builder.Environment.IsDevelopment()
            ? configuration.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            : configuration.WriteTo.Console(new JsonFormatter(renderMessage: true, formatProvider: System.Globalization.CultureInfo.InvariantCulture));

        var logger = configuration.CreateLogger();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace); // Serilog's own levels decide,

        // except for ASP.NET Core's request lines, which carry the full URL with its query string
        // (authorization codes, request_uri, state): no configuration may turn them on. Ours replace them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddSerilog(logger, dispose: true);
        return new SerilogLoggerFactory(logger);
    }
}
