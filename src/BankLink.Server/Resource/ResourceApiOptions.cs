using Microsoft.Extensions.Options;

namespace BankLink.Server.Resource;

/// <summary>The resource API's settings (<c>BankLink:ResourceApi</c>): the history the bank offers, page sizes and the per-client rate limit.</summary>
public sealed class ResourceApiOptions
{
    public const string SectionName = "BankLink:ResourceApi";

    /// <summary>The largest page a provider may ask for (issue 5: at most 1000); also the core's own limit.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>How far back transaction history reaches, in months up to today (Japan), inclusive.</summary>
    public int HistoryMonths { get; set; } = 13;

    /// <summary>The page size when a request names no <c>limit</c>.</summary>
    public int DefaultPageSize { get; set; } = 25;

    public ResourceRateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>
/// A token bucket per provider client (<c>BankLink:ResourceApi:RateLimit</c>): <see cref="BurstLimit"/> requests at
/// once, refilled by <see cref="TokensPerPeriod"/> every <see cref="Period"/>. Counted per node: with N nodes a
/// client may make up to N times as many requests.
/// </summary>
public sealed class ResourceRateLimitOptions
{
    public int BurstLimit { get; set; } = 100;

    public int TokensPerPeriod { get; set; } = 50;

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Refuses to start on settings the API cannot honour (STYLE.md 6: fail at startup).</summary>
public sealed class ValidateResourceApiOptions : IValidateOptions<ResourceApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ResourceApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.HistoryMonths is < 1 or > 120)
        {
            failures.Add($"{ResourceApiOptions.SectionName}:HistoryMonths must be 1 to 120.");
        }

        if (options.DefaultPageSize is < 1 or > ResourceApiOptions.MaxPageSize)
        {
            failures.Add($"{ResourceApiOptions.SectionName}:DefaultPageSize must be 1 to {ResourceApiOptions.MaxPageSize}.");
        }

        if (options.RateLimit.BurstLimit < 1 || options.RateLimit.TokensPerPeriod < 1 || options.RateLimit.Period <= TimeSpan.Zero)
        {
            failures.Add($"{ResourceApiOptions.SectionName}:RateLimit needs BurstLimit and TokensPerPeriod of at least 1 and a positive Period.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
