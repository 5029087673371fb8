using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BankLink.Data.Tests;

public sealed class TransientFaultsTests
{
    [Fact]
    public async Task Retry_TransientFaultThenSuccess_ReturnsResult()
    {
        var attempts = 0;

        var result = await TransientFaults.RetryIdempotentAsync(_ =>
        {
            attempts++;
            return attempts < 3 ? throw new NpgsqlException("connection lost", new IOException("reset")) : Task.FromResult(42);
        }, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(42, result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Retry_PermanentFault_NotRetried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => TransientFaults.RetryIdempotentAsync<int>(_ =>
        {
            attempts++;
            throw new InvalidOperationException("a bug, not a fault");
        }, NullLogger.Instance, CancellationToken.None));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Retry_TransientFaultEveryTime_GivesUpAfterMaxAttempts()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<NpgsqlException>(() => TransientFaults.RetryIdempotentAsync<int>(_ =>
        {
            attempts++;
            throw new NpgsqlException("down", new IOException("refused"));
        }, NullLogger.Instance, CancellationToken.None, maxAttempts: 3));

        Assert.Equal(3, attempts);
    }
}
