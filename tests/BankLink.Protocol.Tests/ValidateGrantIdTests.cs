using System.Collections.Concurrent;
using BankLink.Protocol.Endpoints.PushedAuthorization;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using static BankLink.Protocol.Tests.ValidateGrantManagementActionTests;

namespace BankLink.Protocol.Tests;

/// <summary>FAPI Grant Management §5.2 and §5.3 at PAR: a merge or replace names an active grant of this very client.</summary>
public sealed class ValidateGrantIdTests
{
    private readonly FakeGrantStore _grants = new();

    private Grant AddGrant(string clientId = "client-a", GrantStatus status = GrantStatus.Active, DateTimeOffset? expiresAt = null)
    {
        var grant = new Grant(Guid.NewGuid(), clientId, Guid.NewGuid(), Guid.NewGuid(), "openid balance", [Guid.NewGuid()], Now.AddDays(-1), expiresAt ?? Now.AddDays(89))
        {
            Status = status,
        };
        _grants.Add(grant);
        return grant;
    }

    private async Task<Endpoints.PushedAuthorization.PushedAuthorizationContext> RunAsync(string action, string? grantId)
    {
        var context = grantId is null ? Context() : Context(("grant_management_action", action), ("grant_id", grantId));
        context.Validated["grant_management_action"] = action;
        await new ValidateGrantId(_grants).ExecuteAsync(context, CancellationToken.None);
        return context;
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("replace")]
    public async Task Validate_ActiveGrantOfThisClient_Accepted(string action)
    {
        var grant = AddGrant();

        var context = await RunAsync(action, grant.Id.ToString().ToUpperInvariant());

        Assert.Null(context.Error);
        Assert.Equal(grant.Id.ToString(), context.Validated["grant_id"]?.GetValue<string>());
    }

    [Fact]
    public async Task Validate_CreateWithoutGrantId_NothingToLookUp()
    {
        var context = await RunAsync("create", null);

        Assert.Null(context.Error);
        Assert.Null(context.Validated["grant_id"]);
        Assert.Equal(0, _grants.Lookups);
    }

    [Fact]
    public async Task Validate_UnknownOtherClientsRevokedExpiredOrMalformed_AllTheSameInvalidGrantId_Section5Point3()
    {
        var refused = new[]
        {
            Guid.NewGuid().ToString(),
            AddGrant(clientId: "client-b").Id.ToString(),
            AddGrant(status: GrantStatus.Revoked).Id.ToString(),
            AddGrant(expiresAt: Now).Id.ToString(),
            "not-a-grant-id",
            "{" + AddGrant().Id + "}",
        };

        foreach (var grantId in refused)
        {
            var context = await RunAsync("merge", grantId);

            // One answer for all: a client never learns whether another client's grant exists (§10: grant ids leak).
            Assert.Equal(ErrorCatalogue.GrantIdInvalid, context.Error);
            Assert.Equal("invalid_grant_id", context.Error!.Error);
            Assert.Equal("BL2409", context.Error.Id);
            Assert.Null(context.Validated["grant_id"]);
        }
    }

    private sealed class FakeGrantStore : IGrantStore
    {
        private readonly ConcurrentDictionary<Guid, Grant> _grants = new();

        public int Lookups { get; private set; }

        public void Add(Grant grant) => _grants[grant.Id] = grant;

        public Task CreateAsync(Grant grant, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Grant?> FindAsync(Guid id, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult(_grants.TryGetValue(id, out var grant) ? grant : null);
        }

        public Task<Grant?> UpdateAsync(GrantUpdate update, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> TouchLastUsedAsync(Guid grantId, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
