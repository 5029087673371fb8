using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace BankLink.Server.Resource;

/// <summary>
/// Per provider client rate limiting (issue 5): one token bucket per client_id (System.Threading.RateLimiting, what
/// ASP.NET Core's rate limiter middleware uses). It runs after the access token is validated, because only then is
/// the client known; a refused request gets 429 with Retry-After.
/// </summary>
public sealed class ResourceRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ResourceRateLimiter(IOptions<ResourceApiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value.RateLimit;
        _limiter = PartitionedRateLimiter.Create<string, string>(clientId => RateLimitPartition.GetTokenBucketLimiter(clientId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.BurstLimit,
            TokensPerPeriod = settings.TokensPerPeriod,
            ReplenishmentPeriod = settings.Period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        Period = settings.Period;
    }

    private TimeSpan Period { get; }

    /// <summary>Null when the client may go on; otherwise how long it should wait (whole seconds, at least one).</summary>
    public TimeSpan? TryAcquire(string clientId)
    {
        using var lease = _limiter.AttemptAcquire(clientId);
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Period;
        return TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
    }

    public void Dispose() => _limiter.Dispose();
}
