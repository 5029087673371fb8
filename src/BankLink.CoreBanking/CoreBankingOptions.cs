namespace BankLink.CoreBanking;

/// <summary>Which core banking system BankLink reads.</summary>
public enum CoreBankingMode
{
    /// <summary>The embedded demo ledger in BankLink's own PostgreSQL (the default).</summary>
    Demo,

    /// <summary>A real core behind the HTTP adapter API (openapi/core-adapter.v1.yaml) at <see cref="CoreBankingOptions.BaseAddress"/>.</summary>
    Http,
}

/// <summary>What the resource API does when the core cannot answer (down, slow, circuit open).</summary>
public enum CoreUnavailablePolicy
{
    /// <summary>503 with Retry-After and the reason.</summary>
    Refuse,

    /// <summary>The last-known snapshot with its original as-of time, marked stale; 503 when there is none.</summary>
    ServeLastKnown,
}

/// <summary>
/// <c>BankLink:CoreBanking</c>: the core to read and the Polly pipeline around every call (ARCHITECTURE.md "The core
/// banking side"). The total timeout bounds what a provider waits, retries included.
/// </summary>
public sealed class CoreBankingOptions
{
    public const string SectionName = "BankLink:CoreBanking";

    public CoreBankingMode Mode { get; set; } = CoreBankingMode.Demo;

    /// <summary>The HTTP adapter's root (Mode Http), e.g. <c>https://core-adapter.internal/v1/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The longest a caller waits for one read, every attempt and back-off included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest one attempt may take before it is abandoned (and retried when time remains).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Retries after the first attempt, only for transient failures of these idempotent reads.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The median first back-off; later ones grow exponentially, with decorrelated jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The circuit opens when at least this share of attempts in the sampling window failed...</summary>
    public double CircuitFailureRatio { get; set; } = 0.5;

    /// <summary>...over this window...</summary>
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>...with at least this many attempts in it.</summary>
    public int CircuitMinimumThroughput { get; set; } = 10;

    /// <summary>How long an open circuit refuses at once before one probe call may try the core again.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    public CoreUnavailablePolicy WhenUnavailable { get; set; } = CoreUnavailablePolicy.Refuse;

    /// <summary>With last-known data on, one account's snapshot of one kind is written at most this often (per node).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Fails at startup on settings Polly or the adapter cannot use, each naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Enum.IsDefined(Mode))
        {
            yield return $"{SectionName}:Mode must be Demo or Http.";
        }

        if (Mode == CoreBankingMode.Http && BaseAddress is not { IsAbsoluteUri: true } address)
        {
            yield return $"{SectionName}:BaseAddress must be an absolute http(s) URI when Mode is Http.";
        }
        else if (Mode == CoreBankingMode.Http && BaseAddress!.Scheme is not ("http" or "https"))
        {
            yield return $"{SectionName}:BaseAddress must be http or https.";
        }

        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || TotalTimeout < AttemptTimeout || TotalTimeout > TimeSpan.FromMinutes(1))
        {
            yield return $"{SectionName}: AttemptTimeout must be at least 10 ms and at most TotalTimeout, TotalTimeout at most a minute.";
        }

        if (MaxRetries is < 0 or > 5 || RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay > TimeSpan.FromSeconds(10))
        {
            yield return $"{SectionName}: MaxRetries must be 0 to 5 and RetryBaseDelay 0 to 10 seconds.";
        }

        if (CircuitFailureRatio is <= 0 or > 1 || CircuitMinimumThroughput < 2
            || CircuitSamplingDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakDuration > TimeSpan.FromDays(1))
        {
            yield return $"{SectionName}: CircuitFailureRatio must be in (0, 1], CircuitMinimumThroughput at least 2, CircuitSamplingDuration and CircuitBreakDuration at least 0.5 s (break at most a day).";
        }

        if (!Enum.IsDefined(WhenUnavailable))
        {
            yield return $"{SectionName}:WhenUnavailable must be Refuse or ServeLastKnown.";
        }

        if (SnapshotInterval < TimeSpan.Zero)
        {
            yield return $"{SectionName}:SnapshotInterval must not be negative.";
        }
    }
}
