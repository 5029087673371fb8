using System.Diagnostics;
using System.Globalization;
using BankLink.Data;

namespace BankLink.Server.Commands;

/// <summary>
/// Shows a long command's progress: a bar with counts, rate and time left on a terminal; a log line every
/// few seconds when the output goes to a file or a log collector.
/// </summary>
internal sealed partial class ConsoleProgress : IProgress<ProgressReport>
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    private readonly bool _terminal;
    private readonly ILogger _logger;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private TimeSpan? _lastLog;
    private bool _drawn;

    private ConsoleProgress(bool terminal, ILogger logger)
    {
        _terminal = terminal;
        _logger = logger;
    }

    public static ConsoleProgress Create(IServiceProvider services) =>
        new(!Console.IsOutputRedirected, services.GetRequiredService<ILoggerFactory>().CreateLogger("BankLink.Progress"));

    public void Report(ProgressReport value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            var rate = _elapsed.Elapsed.TotalSeconds > 0 ? value.Done / _elapsed.Elapsed.TotalSeconds : 0;
            if (_terminal)
            {
                Console.Out.Write("\r" + Render(value, rate, _elapsed.Elapsed) + "\u001b[K");
                _drawn = true;
            }
            else if (_lastLog is null || _elapsed.Elapsed - _lastLog >= LogInterval || (value.Total > 0 && value.Done >= value.Total))
            {
                _lastLog = _elapsed.Elapsed;
                LogProgress(_logger, value.Phase, value.Done, value.Total, value.Unit, rate, value.Extra ?? "");
            }
        }
    }

    /// <summary>Ends the bar's line so the next output starts on its own.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_drawn)
            {
                Console.Out.WriteLine();
                _drawn = false;
            }
        }
    }

    internal static string Render(ProgressReport value, double ratePerSecond, TimeSpan elapsed)
    {
        const int width = 30;
        var fraction = value.Total > 0 ? Math.Clamp((double)value.Done / value.Total, 0, 1) : 0;
        var filled = (int)Math.Round(fraction * width);
        var left = ratePerSecond > 0 && value.Total > value.Done ? TimeSpan.FromSeconds((value.Total - value.Done) / ratePerSecond) : TimeSpan.Zero;
        return string.Create(CultureInfo.InvariantCulture,
            $"{value.Phase} [{new string('#', filled)}{new string('.', width - filled)}] {value.Done:N0}/{value.Total:N0} {value.Unit}" +
            $"{(value.Extra is null ? "" : ", " + value.Extra)}  {ratePerSecond:N0}/s  {elapsed:mm\\:ss} elapsed, ~{left:mm\\:ss} left");
    }

    [LoggerMessage(EventId = 6301, Level = LogLevel.Information,
        Message = "{Phase}: {Done}/{Total} {Unit} ({Rate:F0}/s) {Extra}")]
    private static partial void LogProgress(ILogger logger, string phase, long done, long total, string unit, double rate, string extra);
}
