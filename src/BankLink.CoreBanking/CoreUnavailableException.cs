namespace BankLink.CoreBanking;

/// <summary>Why account data cannot be served now; <see cref="CoreUnavailableReasons"/> holds the names providers see.</summary>
public enum CoreUnavailableReason
{
    /// <summary>The core did not answer within the total timeout (<c>core_timeout</c>).</summary>
    Timeout,

    /// <summary>The circuit is open after repeated failures: refused at once, without calling the core (<c>core_circuit_open</c>).</summary>
    CircuitOpen,

    /// <summary>The core failed (refused the connection, answered 5xx or nonsense) after the retries (<c>core_error</c>).</summary>
    Error,

    /// <summary>Outside the weekly service hours (<c>outside_hours</c>).</summary>
    OutsideHours,

    /// <summary>In a planned maintenance window (<c>maintenance</c>).</summary>
    Maintenance,
}

/// <summary>The machine-readable reasons of a 503 (problem extension <c>reason</c>).</summary>
public static class CoreUnavailableReasons
{
    public const string Timeout = "core_timeout";
    public const string CircuitOpen = "core_circuit_open";
    public const string Error = "core_error";
    public const string OutsideHours = Domain.Time.ClosedReasons.OutsideHours;
    public const string Maintenance = Domain.Time.ClosedReasons.Maintenance;

    public static string Name(CoreUnavailableReason reason) => reason switch
    {
        CoreUnavailableReason.Timeout => Timeout,
        CoreUnavailableReason.CircuitOpen => CircuitOpen,
        CoreUnavailableReason.OutsideHours => OutsideHours,
        CoreUnavailableReason.Maintenance => Maintenance,
        _ => Error,
    };
}

/// <summary>
/// Account data cannot be served now (DOMAIN.md "Service hours and data freshness"): the core is down, slow or behind an
/// open circuit, or the service is closed, and no last-known data may or can stand in. The resource API answers 503 with
/// <see cref="RetryAfter"/> and <see cref="ReasonName"/>. Never carries the core's own error text to providers.
/// </summary>
public sealed class CoreUnavailableException : Exception
{
    public CoreUnavailableException(CoreUnavailableReason reason, TimeSpan? retryAfter, Exception? innerException = null, DateTimeOffset? reopensAt = null)
        : base($"Account data is unavailable: {CoreUnavailableReasons.Name(reason)}.", innerException)
    {
        Reason = reason;
        RetryAfter = retryAfter;
        ReopensAt = reopensAt;
    }

    public CoreUnavailableException()
        : this(CoreUnavailableReason.Error, null)
    {
    }

    public CoreUnavailableException(string message)
        : base(message)
    {
    }

    public CoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CoreUnavailableReason Reason { get; } = CoreUnavailableReason.Error;

    /// <summary><c>core_timeout</c>, <c>core_circuit_open</c>, <c>core_error</c>, <c>outside_hours</c> or <c>maintenance</c>.</summary>
    public string ReasonName => CoreUnavailableReasons.Name(Reason);

    /// <summary>When to try again (the Retry-After header); null when unknown (the service stays closed for a year).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Outside hours or in maintenance: when the service opens again.</summary>
    public DateTimeOffset? ReopensAt { get; }
}
