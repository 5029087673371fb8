using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Operators;

namespace BankLink.Data.Tests.Operations;

/// <summary>DOMAIN.md "How links end": an operator revokes one link, one account of a link, or all links, with a recorded reason.</summary>
public sealed class CustomerLinkOperationsTests : OperationsTestBase
{
    private CustomerLinkOperations Links => Get<CustomerLinkOperations>();

    [Fact]
    public async Task RevokeLink_EndsTheGrantAndItsTokens_AuditedWithOperatorAndReason()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var client = await ClientAsync();
        var grant = await GrantAsync(client, tanaka, accounts[0].Id, accounts[1].Id);
        var other = await GrantAsync(client, tanaka, accounts[0].Id);

        var result = await Links.RevokeLinkAsync(Operator, tanaka, grant, "  " + Reason + "  ", CancellationToken.None);

        Assert.Equal([grant], result.LinksRevoked);
        Assert.Equal("revoked", await GrantStatusAsync(grant));
        Assert.Equal(0, await LiveTokensAsync(grant));
        Assert.Equal(CustomerLinkOperations.RevokedByOperator, await Database.ScalarAsync<string>("SELECT revoked_reason FROM grants WHERE id = $1", grant));
        Assert.Equal("active", await GrantStatusAsync(other));
        Assert.Equal(2, await LiveTokensAsync(other));
        var revoked = Assert.Single(await EventsAsync(AuditEventTypes.LinkRevoked));
        Assert.Equal(("operator", "operator1", Reason, grant), (revoked.ActorKind, revoked.ActorId, ReasonOf(revoked.Detail), revoked.GrantId));
        Assert.True((await Get<AuditVerifier>().VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task RevokeLink_Viewer_ForbiddenAndNothingChanges()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0].Id);
        var events = await AuditCountAsync();

        await RefusedAsync("forbidden", () => Links.RevokeLinkAsync(Viewer, tanaka, grant, Reason, CancellationToken.None));
        await RefusedAsync("forbidden", () => Links.RemoveLinkAccountAsync(Viewer, tanaka, grant, accounts[0].Id, Reason, CancellationToken.None));
        await RefusedAsync("forbidden", () => Links.RevokeAllLinksAsync(Viewer, tanaka, Reason, CancellationToken.None));
        await RefusedAsync("forbidden", () => Links.RevokeAllLinksAsync(new OperatorActor(Guid.NewGuid(), "x", 0), tanaka, Reason, CancellationToken.None));

        Assert.Equal("active", await GrantStatusAsync(grant));
        Assert.Equal(2, await LiveTokensAsync(grant));
        Assert.Equal(events, await AuditCountAsync());
    }

    [Theory]
    [MemberData(nameof(BadReasons), MemberType = typeof(OperationsTestBase))]
    public async Task EveryLinkOperation_BadReason_InvalidReasonAndNothingChanges(string? reason)
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0].Id);

        await RefusedAsync("invalid_reason", () => Links.RevokeLinkAsync(Operator, tanaka, grant, reason, CancellationToken.None));
        await RefusedAsync("invalid_reason", () => Links.RemoveLinkAccountAsync(Operator, tanaka, grant, accounts[0].Id, reason, CancellationToken.None));
        await RefusedAsync("invalid_reason", () => Links.RevokeAllLinksAsync(Operator, tanaka, reason, CancellationToken.None));

        Assert.Equal("active", await GrantStatusAsync(grant));
        Assert.Equal(1, await AccountsOfAsync(grant));
    }

    [Fact]
    public async Task RevokeLink_AnotherCustomersOrUnknownOrEndedLink_NotFound()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (suzuki, suzukiAccounts) = await CustomerAsync("suzuki02");
        var client = await ClientAsync();
        var suzukisGrant = await GrantAsync(client, suzuki, suzukiAccounts[0].Id);
        var ended = await GrantAsync(client, tanaka, accounts[0].Id);
        await Links.RevokeLinkAsync(Operator, tanaka, ended, Reason, CancellationToken.None);

        await RefusedAsync("not_found", () => Links.RevokeLinkAsync(Operator, tanaka, suzukisGrant, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Links.RevokeLinkAsync(Operator, tanaka, Guid.NewGuid(), Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Links.RevokeLinkAsync(Operator, tanaka, ended, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Links.RevokeLinkAsync(Operator, Guid.NewGuid(), suzukisGrant, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Links.RemoveLinkAccountAsync(Operator, tanaka, suzukisGrant, suzukiAccounts[0].Id, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Links.RevokeAllLinksAsync(Operator, Guid.NewGuid(), Reason, CancellationToken.None));

        Assert.Equal("active", await GrantStatusAsync(suzukisGrant));
        Assert.Equal(2, await LiveTokensAsync(suzukisGrant));
    }

    [Fact]
    public async Task RemoveLinkAccount_LinkKeepsItsOtherAccountsAndTokens()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0].Id, accounts[1].Id);

        var result = await Links.RemoveLinkAccountAsync(Operator, tanaka, grant, accounts[1].Id, Reason, CancellationToken.None);

        Assert.Equal([grant], result.LinksReduced);
        Assert.Empty(result.LinksRevoked);
        Assert.Equal(accounts[0].Id, await Database.ScalarAsync<Guid>("SELECT account_id FROM grant_accounts WHERE grant_id = $1", grant));
        Assert.Equal(2, await LiveTokensAsync(grant));
        var removed = Assert.Single(await EventsAsync(AuditEventTypes.LinkAccountRemoved));
        Assert.Equal(("operator", "operator1", Reason), (removed.ActorKind, removed.ActorId, ReasonOf(removed.Detail)));
        Assert.Empty(await EventsAsync(AuditEventTypes.LinkEnded));
    }

    [Fact]
    public async Task RemoveLinkAccount_TheLastAccount_EndsTheLinkAndItsTokens()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0].Id);

        var result = await Links.RemoveLinkAccountAsync(Operator, tanaka, grant, accounts[0].Id, Reason, CancellationToken.None);

        Assert.Equal([grant], result.LinksRevoked);
        Assert.Equal("revoked", await GrantStatusAsync(grant));
        Assert.Equal(0, await LiveTokensAsync(grant));
        Assert.Single(await EventsAsync(AuditEventTypes.LinkAccountRemoved));
        var ended = Assert.Single(await EventsAsync(AuditEventTypes.LinkEnded));
        Assert.Equal(("operator", "operator1", Reason), (ended.ActorKind, ended.ActorId, ReasonOf(ended.Detail)));
    }

    [Fact]
    public async Task RemoveLinkAccount_AnAccountTheLinkDoesNotName_NotFoundAndNothingChanges()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var grant = await GrantAsync(await ClientAsync(), tanaka, accounts[0].Id);
        var events = await AuditCountAsync();

        await RefusedAsync("not_found", () => Links.RemoveLinkAccountAsync(Operator, tanaka, grant, accounts[1].Id, Reason, CancellationToken.None));
        await RefusedAsync("not_found", () => Links.RemoveLinkAccountAsync(Operator, tanaka, grant, Guid.NewGuid(), Reason, CancellationToken.None));

        Assert.Equal(1, await AccountsOfAsync(grant));
        Assert.Equal(events, await AuditCountAsync());
    }

    [Fact]
    public async Task RevokeAllLinks_EveryActiveLinkOfTheCustomer_OthersUntouched()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (suzuki, suzukiAccounts) = await CustomerAsync("suzuki02");
        var client = await ClientAsync();
        var first = await GrantAsync(client, tanaka, accounts[0].Id);
        var second = await GrantAsync(await ClientAsync("別のアプリ"), tanaka, accounts[1].Id);
        var suzukis = await GrantAsync(client, suzuki, suzukiAccounts[0].Id);

        var result = await Links.RevokeAllLinksAsync(Operator, tanaka, Reason, CancellationToken.None);

        Assert.Equal(new[] { first, second }.Order(), result.LinksRevoked.Order());
        Assert.Equal(("revoked", "revoked"), (await GrantStatusAsync(first), await GrantStatusAsync(second)));
        Assert.Equal(0, await LiveTokensAsync(first) + await LiveTokensAsync(second));
        Assert.Equal("active", await GrantStatusAsync(suzukis));
        var events = await EventsAsync(AuditEventTypes.LinkRevoked);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("operator", "operator1", Reason), (e.ActorKind, e.ActorId, ReasonOf(e.Detail))));

        var again = await Links.RevokeAllLinksAsync(Operator, tanaka, Reason, CancellationToken.None);
        Assert.Empty(again.LinksRevoked);
        Assert.Equal(2, (await EventsAsync(AuditEventTypes.LinkRevoked)).Count);
    }
}
