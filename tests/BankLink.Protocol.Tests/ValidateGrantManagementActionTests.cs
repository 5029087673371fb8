using System.Text.Json.Nodes;
using BankLink.Protocol.ClientAuthentication;
using BankLink.Protocol.Endpoints.PushedAuthorization;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Tests;

/// <summary>FAPI Grant Management §5.2 and §5.3 at PAR: which grant_management_action and grant_id go together.</summary>
public sealed class ValidateGrantManagementActionTests
{
    internal static readonly DateTimeOffset Now = new(2026, 11, 21, 3, 0, 0, TimeSpan.Zero);

    internal static PushedAuthorizationContext Context(params (string Name, string Value)[] parameters) =>
        new(ProtocolRequest.FromPairs(parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value))),
            new ClientCredentials("client-a", null, null, null, null, null), "https://bank.example", new Uri("https://bank.example/connect/par"), [], Now)
        {
            Client = new RegisteredClient("client-a", Guid.NewGuid(), "12345678", "fapi2", "private_key_jwt", [], Now),
        };

    private static async Task<PushedAuthorizationContext> RunAsync(params (string, string)[] parameters)
    {
        var context = Context(parameters);
        await new ValidateGrantManagementAction().ExecuteAsync(context, CancellationToken.None);
        return context;
    }

    [Fact]
    public async Task Validate_NoActionNoGrantId_CreateByDefault_Section5Point2()
    {
        var context = await RunAsync();

        Assert.Null(context.Error);
        Assert.Equal("create", context.Validated["grant_management_action"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("replace")]
    public async Task Validate_MergeOrReplaceWithGrantId_Accepted(string action)
    {
        var context = await RunAsync(("grant_management_action", action), ("grant_id", Guid.NewGuid().ToString()));

        Assert.Null(context.Error);
        Assert.Equal(action, context.Validated["grant_management_action"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("create", true)] // §5.3: grant_id with create
    [InlineData(null, true)] // §5.3: grant_id without an action
    [InlineData("merge", false)] // §5.2: merge requires grant_id
    [InlineData("replace", false)] // §5.2: replace requires grant_id
    [InlineData("update", true)] // §5.3: an action the AS does not support (an early draft's name for merge)
    [InlineData("query", true)] // an API action, never an authorization request's
    [InlineData("MERGE", true)]
    public async Task Validate_ActionAndGrantIdDoNotFit_InvalidRequest_Section5Point3(string? action, bool withGrantId)
    {
        var parameters = new List<(string, string)>();
        if (action is not null)
        {
            parameters.Add(("grant_management_action", action));
        }

        if (withGrantId)
        {
            parameters.Add(("grant_id", Guid.NewGuid().ToString()));
        }

        var context = await RunAsync([.. parameters]);

        Assert.Equal(ErrorCatalogue.GrantManagementInvalid, context.Error);
        Assert.Equal("invalid_request", context.Error!.Error);
        Assert.Equal("BL2406", context.Error.Id);
        Assert.Equal("https://developer.banklink.example/errors/BL2406", context.Error.Uri);
        Assert.Null(context.Validated["grant_management_action"]);
    }
}
