using BankLink.Protocol.Pipeline;
using BankLink.Protocol.Primitives;

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
