using BankLink.CoreBanking.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace BankLink.CoreBanking.Resilience;

/// <summary>
/// Every call to the core goes through one Polly pipeline (ARCHITECTURE.md "The core banking side"), outermost first:
/// a total timeout (what a provider waits at most), retries with exponential back-off and jitter (these reads are
/// idempotent; transient failures only), a circuit breaker (after a failure ratio over a sampling window it refuses at
/// once, then lets one probe through), and a per-attempt timeout. Whatever goes wrong surfaces as a
/// <see cref="CoreUnavailableException"/> with its reason, so the API answers 503 quickly and never hangs.
/// </summary>
public sealed partial class ResilientCoreBankingGateway : ICoreBankingGateway
{
    private readonly ICoreBankingGateway _inner;
    private readonly ResiliencePipeline _pipeline;
    private readonly CoreBankingOptions _options;
    private readonly ILogger _logger;

    public ResilientCoreBankingGateway(ICoreBankingGateway inner, CoreBankingOptions options, TimeProvider clock, ILogger<ResilientCoreBankingGateway> logger)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.Problems().FirstOrDefault() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _inner = inner;
        _options = options;
        _logger = logger;
        _pipeline = Build(options, clock, logger);
    }

    /// <summary>The wrapped gateway (the demo ledger or the HTTP adapter).</summary>
    public ICoreBankingGateway Inner => _inner;

    public Task<IReadOnlyList<CoreAccount>> GetAccountsAsync(string customerNumber, CancellationToken cancellationToken) =>
        ExecuteAsync(ct => _inner.GetAccountsAsync(customerNumber, ct), cancellationToken);

    public Task<CoreAccount?> GetAccountAsync(Guid accountId, CancellationToken cancellationToken) =>
        ExecuteAsync(ct => _inner.GetAccountAsync(accountId, ct), cancellationToken);

    public Task<CoreBalance?> GetBalanceAsync(Guid accountId, CancellationToken cancellationToken) =>
        ExecuteAsync(ct => _inner.GetBalanceAsync(accountId, ct), cancellationToken);

    public Task<CoreTransactionPage> GetTransactionsAsync(Guid accountId, DateOnly from, DateOnly to, CoreTransactionKey? after, int limit, CancellationToken cancellationToken) =>
        ExecuteAsync(ct => _inner.GetTransactionsAsync(accountId, from, to, after, limit, ct), cancellationToken);

    /// <summary>Transient: worth another attempt, and counted by the circuit. A 4xx or an unparsable answer is neither.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutRejectedException => true,
        HttpRequestException => true,
        IOException => true,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    private async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(static async (state, ct) => await state(ct), call, cancellationToken);
        }
        catch (BrokenCircuitException exception)
        {
            throw new CoreUnavailableException(CoreUnavailableReason.CircuitOpen, exception.RetryAfter ?? _options.CircuitBreakDuration, exception);
        }
        catch (TimeoutRejectedException exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(_logger, CoreUnavailableReasons.Timeout, exception);
            throw new CoreUnavailableException(CoreUnavailableReason.Timeout, RetrySoon, exception);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && (IsTransient(exception) || exception is CoreProtocolException))
        {
            LogUnavailable(_logger, CoreUnavailableReasons.Error, exception);
            throw new CoreUnavailableException(CoreUnavailableReason.Error, RetrySoon, exception);
        }
    }

    /// <summary>After a timeout or an error, a provider may try again once the back-offs would have passed.</summary>
    private TimeSpan RetrySoon => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(_options.TotalTimeout.TotalSeconds)));

    private static ResiliencePipeline Build(CoreBankingOptions options, TimeProvider clock, ILogger logger)
    {
        var transient = new PredicateBuilder().Handle<Exception>(IsTransient);
        var builder = new ResiliencePipelineBuilder { Name = "core-banking", TimeProvider = clock };
        builder.AddTimeout(options.TotalTimeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.AttemptTimeout,
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = options.CircuitFailureRatio,
            SamplingDuration = options.CircuitSamplingDuration,
            MinimumThroughput = options.CircuitMinimumThroughput,
            BreakDuration = options.CircuitBreakDuration,
            OnOpened = args =>
            {
                LogCircuitOpened(logger, args.BreakDuration, args.Outcome.Exception);
                return default;
            },
            OnClosed = _ =>
            {
                LogCircuitClosed(logger);
                return default;
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    [LoggerMessage(EventId = 6971, Level = LogLevel.Warning, Message = "Core banking call retried (attempt {Attempt}) after {Delay}")]
    private static partial void LogRetry(ILogger logger, int attempt, TimeSpan delay, Exception? exception);

    [LoggerMessage(EventId = 6972, Level = LogLevel.Error, Message = "Core banking circuit opened for {BreakDuration}: calls are refused at once")]
    private static partial void LogCircuitOpened(ILogger logger, TimeSpan breakDuration, Exception? exception);

    [LoggerMessage(EventId = 6973, Level = LogLevel.Information, Message = "Core banking circuit closed: the core answers again")]
    private static partial void LogCircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 6974, Level = LogLevel.Warning, Message = "Core banking unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string reason, Exception exception);
}
