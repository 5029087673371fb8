using BankLink.Protocol.Endpoints.Shared;
using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Tests;

public sealed class PipelineTests
{
    private sealed class TestContext : ProtocolContext
    {
        public List<string> Ran { get; } = [];
    }

    private sealed class Step(string name, Action<TestContext>? act = null) : IStep<TestContext>
    {
        public ValueTask ExecuteAsync(TestContext context, CancellationToken cancellationToken)
        {
            context.Ran.Add(name);
            act?.Invoke(context);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Run_StopsAtTheFirstRejection()
    {
        var context = new TestContext();

        await new Pipeline<TestContext>([new Step("a"), new Step("b", c => c.Reject(ErrorCatalogue.DuplicateParameter)), new Step("c")]).RunAsync(context, CancellationToken.None);

        Assert.Equal(["a", "b"], context.Ran);
        Assert.Equal(ErrorCatalogue.DuplicateParameter, context.Error);
    }

    [Fact]
    public async Task Run_NoStepEndsTheRequest_FailsClosedAsServerError()
    {
        var context = new TestContext();

        await new Pipeline<TestContext>([new Step("a")]).RunAsync(context, CancellationToken.None);

        Assert.Equal("server_error", context.Error?.Error);
        Assert.False(context.IsCompleted);
    }

    [Fact]
    public void Complete_WithOneTimeValuesNeverRecorded_RefusesToSucceed()
    {
        var context = new TestContext();
        context.PendingOneTimeUses.Add(Pending("jti-1", ErrorCatalogue.ClientAssertionReplayed));

        Assert.Throws<InvalidOperationException>(context.Complete);
        Assert.False(context.IsCompleted);
    }

    [Fact]
    public async Task RecordOneTimeUses_AllFirstUses_RecordedInOneCallAndTheRequestGoesOn()
    {
        var cache = new CountingReplayCache();
        var context = new TestContext();
        context.PendingOneTimeUses.Add(Pending("assertion", ErrorCatalogue.ClientAssertionReplayed));
        context.PendingOneTimeUses.Add(Pending("proof", ErrorCatalogue.DpopProofReplayed));

        await new Pipeline<TestContext>([new RecordOneTimeUses<TestContext>(cache), new Step("issue", c => c.Complete())]).RunAsync(context, CancellationToken.None);

        Assert.True(context.IsCompleted);
        Assert.Equal(1, cache.Calls);
        Assert.Empty(context.PendingOneTimeUses);
    }

    [Fact]
    public async Task RecordOneTimeUses_SecondValueReplayed_RefusedWithItsOwnError()
    {
        var cache = new CountingReplayCache();
        await cache.TryUseAsync(Pending("proof", ErrorCatalogue.DpopProofReplayed).Use, CancellationToken.None);
        var context = new TestContext();
        context.PendingOneTimeUses.Add(Pending("assertion", ErrorCatalogue.ClientAssertionReplayed));
        context.PendingOneTimeUses.Add(Pending("proof", ErrorCatalogue.DpopProofReplayed));

        await new Pipeline<TestContext>([new RecordOneTimeUses<TestContext>(cache), new Step("issue", c => c.Complete())]).RunAsync(context, CancellationToken.None);

        Assert.Equal(ErrorCatalogue.DpopProofReplayed, context.Error);
        Assert.DoesNotContain("issue", context.Ran);
    }

    private static PendingOneTimeUse Pending(string jti, ProtocolError error) =>
        new(new OneTimeUse("kind", "scope", jti, DateTimeOffset.UnixEpoch.AddYears(100)), error, "replayed " + jti);

    private sealed class CountingReplayCache : IReplayCache
    {
        private readonly FakeReplayCache _inner = new();

        public int Calls { get; private set; }

        public Task<IReadOnlyList<bool>> TryUseAllAsync(IReadOnlyList<OneTimeUse> uses, CancellationToken cancellationToken)
        {
            Calls++;
            return _inner.TryUseAllAsync(uses, cancellationToken);
        }
    }

    [Fact]
    public void Reject_Twice_KeepsTheFirstReason()
    {
        var context = new TestContext();

        context.Reject(ErrorCatalogue.DuplicateParameter, "first");
        context.Reject(ErrorCatalogue.ParameterTooLong, "second");

        Assert.Equal(ErrorCatalogue.DuplicateParameter, context.Error);
        Assert.Equal("first", context.ErrorDetail);
    }

    [Fact]
    public void Request_DuplicatesFoundAndEmptyValuesTreatedAsOmitted_Rfc6749Section3Point1()
    {
        var request = ProtocolRequest.FromPairs([new("scope", "openid"), new("scope", "balance"), new("state", ""), new("client_id", "c")]);

        Assert.Equal(["scope"], request.Duplicated);
        Assert.Null(request.Get("state"));
        Assert.Equal("c", request.Get("client_id"));
        Assert.Equal(["client_id"], request.OnlyAllowed(new HashSet<string> { "client_id" }).Names);
    }

    [Fact]
    public void Catalogue_EveryDescriptionIsPrintableAsciiWithoutQuoteOrBackslash_Rfc6749Section5Point2()
    {
        var errors = typeof(ErrorCatalogue).GetFields().Select(f => (ProtocolError)f.GetValue(null)!).ToList();

        Assert.All(errors, e => Assert.Matches("^[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+$", e.Description));
        Assert.Equal(errors.Count, errors.Select(e => e.Id).Distinct().Count());
    }
}
