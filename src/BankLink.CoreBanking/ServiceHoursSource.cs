using BankLink.Domain.Time;
using Microsoft.Extensions.Options;

namespace BankLink.CoreBanking;

/// <summary>
/// Where the current service hours come from: <see cref="ConfiguredServiceHours"/> by default; with BankLink.Data's
/// operations registered, the document operators edit (DatabaseServiceHours), which falls back to this configuration
/// while the database holds none. Read on every request: implementations answer from memory.
/// </summary>
public interface IServiceHoursSource
{
    ServiceHours Current { get; }
}

/// <summary>The service hours of <c>BankLink:ServiceHours</c>, rebuilt when the configuration reloads.</summary>
public sealed class ConfiguredServiceHours : IServiceHoursSource, IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile ServiceHours _current;

    public ConfiguredServiceHours(IOptionsMonitor<ServiceHoursOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _current = ServiceHours.FromOptions(options.CurrentValue);
        _subscription = options.OnChange(changed =>
        {
            // A reload with a mistake keeps the hours in force (validation refused them at startup already).
            if (!ServiceHours.Problems(changed).Any())
            {
                _current = ServiceHours.FromOptions(changed);
            }
        });
    }

    public ServiceHours Current => _current;

    public void Dispose() => _subscription?.Dispose();
}
