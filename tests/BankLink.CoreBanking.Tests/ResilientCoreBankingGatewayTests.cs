using System.Diagnostics;
using BankLink.CoreBanking.Http;
using BankLink.CoreBanking.Resilience;
using Microsoft.Extensions.Logging.Abstractions;

namespace BankLink.CoreBanking.Tests;

/// <summary>
/// ARCHITECTURE.md "The core banking side": every core call goes through Polly (timeout, retry with jitter on these
/// idempotent reads, circuit breaker); when the core is down the API answers within its timeout and says why.
/// Against a core adapter double on real loopback HTTP.
/// </summary>
public sealed class ResilientCoreBankingGatewayTests : IAsyncLifetime
{
    private CoreDouble _core = null!;

    public async Task InitializeAsync() => _core = await CoreDouble.StartAsync();

    public async Task DisposeAsync() => await _core.DisposeAsync();

    private static CoreBankingOptions Options(Action<CoreBankingOptions>? configure = null)
    {
        var options = new CoreBankingOptions
        {
            // Generous, so a loaded test machine never turns a slow first request into a timeout; the slow-core tests set their own.
            TotalTimeout = TimeSpan.FromSeconds(5),
            AttemptTimeout = TimeSpan.FromSeconds(2),
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            CircuitMinimumThroughput = 4,
            CircuitFailureRatio = 0.5,
            CircuitSamplingDuration = TimeSpan.FromSeconds(30),
            CircuitBreakDuration = TimeSpan.FromMilliseconds(700),
        };
        configure?.Invoke(options);
        return options;
    }

    private static ResilientCoreBankingGateway Gateway(Uri baseAddress, CoreBankingOptions? options = null) => new(
        new HttpCoreBankingGateway(new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan }),
        options ?? Options(), TimeProvider.System, NullLogger<ResilientCoreBankingGateway>.Instance);

    [Fact]
    public async Task Healthy_ReadsEveryCallOverTheAdapterApi()
    {
        var gateway = Gateway(_core.BaseAddress);

        var balance = await gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None);
        var account = await gateway.GetAccountAsync(CoreDouble.KnownAccount, CancellationToken.None);
        var accounts = await gateway.GetAccountsAsync("0000000001", CancellationToken.None);
        var page = await gateway.GetTransactionsAsync(CoreDouble.KnownAccount, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 20),
            new CoreTransactionKey(new DateOnly(2026, 11, 21), 13), 2, CancellationToken.None);

        Assert.Equal(123_456, balance!.Balance);
        Assert.Equal(CoreDouble.BalanceAsOf, balance.AsOf);
        Assert.Equal("0123456", account!.AccountNumber);
        Assert.True(account.IsLinkable);
        Assert.Single(accounts);
        Assert.Equal(2, page.Transactions.Count);
        Assert.Equal(new CoreTransactionKey(new DateOnly(2026, 11, 19), 11), page.Next);
        Assert.Equal(Domain.Accounts.AccountKind.Ordinary, balance.Kind);
        Assert.Equal("?from=2026-10-01&to=2026-11-20&limit=2&afterDate=2026-11-21&afterSeq=13", _core.LastQuery);
        Assert.Equal(4, _core.Requests);
    }

    [Fact]
    public async Task UnknownAccount_404_NullWithoutRetry()
    {
        var gateway = Gateway(_core.BaseAddress);

        Assert.Null(await gateway.GetBalanceAsync(Guid.NewGuid(), CancellationToken.None));
        Assert.Null(await gateway.GetAccountAsync(Guid.NewGuid(), CancellationToken.None));
        Assert.Equal(2, _core.Requests);
    }

    [Fact]
    public async Task Slow_AnswersWithinTheTotalTimeout_ReasonTimeout()
    {
        _core.Behaviour = CoreBehaviour.Slow;
        var gateway = Gateway(_core.BaseAddress, Options(o => (o.TotalTimeout, o.AttemptTimeout) = (TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(300))));
        var watch = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<CoreUnavailableException>(() => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));

        watch.Stop();
        Assert.Equal(CoreUnavailableReason.Timeout, refused.Reason);
        Assert.Equal("core_timeout", refused.ReasonName);
        Assert.NotNull(refused.RetryAfter);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(2500));

        // Each attempt was cut at 300 ms and retried while time remained: at most the first try and two retries.
        Assert.InRange(_core.Requests, 2, 3);
    }

    [Fact]
    public async Task ConnectionRefused_AnswersQuickly_ReasonError()
    {
        var gateway = Gateway(CoreDouble.RefusingAddress());
        var watch = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<CoreUnavailableException>(() => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));

        Assert.Equal(CoreUnavailableReason.Error, refused.Reason);
        Assert.IsType<HttpRequestException>(refused.InnerException);
        // A refused connection is not waited out: the answer comes well inside the total timeout (5 s here),
        // after the retries' short backoff, however busy the machine is.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task ServerError_RetriedTwiceThenError()
    {
        _core.Behaviour = CoreBehaviour.Failing;
        var gateway = Gateway(_core.BaseAddress, Options(o => o.CircuitMinimumThroughput = 100));

        var refused = await Assert.ThrowsAsync<CoreUnavailableException>(() => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));

        Assert.Equal(CoreUnavailableReason.Error, refused.Reason);
        Assert.Equal(3, _core.Requests);
    }

    [Theory]
    [InlineData(CoreBehaviour.BadRequest)]
    [InlineData(CoreBehaviour.Garbage)]
    public async Task NotTransient_NeverRetried_ReasonError(CoreBehaviour behaviour)
    {
        _core.Behaviour = behaviour;
        var gateway = Gateway(_core.BaseAddress);

        var refused = await Assert.ThrowsAsync<CoreUnavailableException>(() => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));

        Assert.Equal(CoreUnavailableReason.Error, refused.Reason);
        Assert.IsType<CoreProtocolException>(refused.InnerException);
        Assert.Equal(1, _core.Requests);
    }

    [Fact]
    public async Task Flapping_RetrySucceeds_EveryReadAnswered()
    {
        _core.Behaviour = CoreBehaviour.Flapping;
        var gateway = Gateway(_core.BaseAddress, Options(o => o.CircuitMinimumThroughput = 100));

        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(await gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));
        }

        Assert.Equal(10, _core.Requests);
    }

    [Fact]
    public async Task CoreDown_CircuitOpensRefusingAtOnceThenAProbeClosesIt()
    {
        _core.Behaviour = CoreBehaviour.Failing;
        var gateway = Gateway(_core.BaseAddress, Options(o => o.MaxRetries = 0));

        // Four failures in the window reach the minimum throughput with a failure ratio of 1: the circuit opens.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(CoreUnavailableReason.Error, (await Assert.ThrowsAsync<CoreUnavailableException>(
                () => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None))).Reason);
        }

        var before = _core.Requests;
        var watch = Stopwatch.StartNew();
        var open = await Assert.ThrowsAsync<CoreUnavailableException>(() => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));
        Assert.Equal(CoreUnavailableReason.CircuitOpen, open.Reason);
        Assert.Equal("core_circuit_open", open.ReasonName);
        Assert.InRange(open.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(700));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(200), $"an open circuit refuses at once, took {watch.Elapsed}");
        Assert.Equal(before, _core.Requests);

        // The core recovers; after the break one probe goes through and closes the circuit.
        _core.Behaviour = CoreBehaviour.Healthy;
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        Assert.NotNull(await gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));
        Assert.NotNull(await gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));
        Assert.Equal(before + 2, _core.Requests);
    }

    [Fact]
    public async Task HalfOpenProbeFails_CircuitOpensAgain()
    {
        _core.Behaviour = CoreBehaviour.Failing;
        var gateway = Gateway(_core.BaseAddress, Options(o => o.MaxRetries = 0));
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<CoreUnavailableException>(() => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None));
        }

        await Task.Delay(TimeSpan.FromMilliseconds(800));
        Assert.Equal(CoreUnavailableReason.Error, (await Assert.ThrowsAsync<CoreUnavailableException>(
            () => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None))).Reason);
        Assert.Equal(CoreUnavailableReason.CircuitOpen, (await Assert.ThrowsAsync<CoreUnavailableException>(
            () => gateway.GetBalanceAsync(CoreDouble.KnownAccount, CancellationToken.None))).Reason);
        Assert.Equal(5, _core.Requests);
    }

    [Fact]
    public async Task CallerCancels_CancellationPropagatesNotUnavailable()
    {
        _core.Behaviour = CoreBehaviour.Slow;
        var gateway = Gateway(_core.BaseAddress);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gateway.GetBalanceAsync(CoreDouble.KnownAccount, cancel.Token));
    }

    [Fact]
    public void Options_Invalid_Refused()
    {
        Assert.Contains(new CoreBankingOptions { Mode = CoreBankingMode.Http }.Problems(), p => p.Contains("BaseAddress", StringComparison.Ordinal));
        Assert.Contains(new CoreBankingOptions { AttemptTimeout = TimeSpan.FromSeconds(5) }.Problems(), p => p.Contains("AttemptTimeout", StringComparison.Ordinal));
        Assert.Empty(new CoreBankingOptions().Problems());
        Assert.Throws<ArgumentException>(() => Gateway(_core.BaseAddress, Options(o => o.MaxRetries = 9)));
    }
}
