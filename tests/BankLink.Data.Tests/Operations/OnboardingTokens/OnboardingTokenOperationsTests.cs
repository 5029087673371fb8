using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.Providers;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using static BankLink.Data.Tests.Operations.Providers.ProviderTestData;

namespace BankLink.Data.Tests.Operations.OnboardingTokens;

/// <summary>Onboarding tokens as operators issue, renew, revoke and watch them, with a clock the tests move.</summary>
public sealed class OnboardingTokenOperationsTests : ServicesOverDatabase<DemoBankDatabase>
{
    private OnboardingTokenOperations Operations => Services.GetRequiredService<OnboardingTokenOperations>();

    private OnboardingTokenStore Store => Services.GetRequiredService<OnboardingTokenStore>();

    private Task<long> EventsAsync(string type) => Database.ScalarAsync<long>(
        "SELECT count(*) FROM audit_events WHERE event_type = $1 AND actor_kind = 'operator' AND actor_id = $2 AND provider_id = $3", type, Admin.LoginId, SandboxProvider.Id);

    private async Task<OnboardingTokenState> StateAsync(string id) => (await Operations.GetAsync(Viewer, id, CancellationToken.None)).State;

    [Fact]
    public async Task Issue_SecretOnceAuditedWithoutIt_TokenOpensRegistration()
    {
        var issued = await Operations.IssueAsync(Admin, SandboxProvider.Id, " 山田 太郎 ", Reason, CancellationToken.None);

        Assert.Matches("^[0-9a-z]{8}@[0-9a-z]{16}$", issued.Value);
        Assert.DoesNotContain(issued.Token.Secret, issued.ToString(), StringComparison.Ordinal);
        Assert.Equal("山田 太郎", issued.View.PersonName);
        Assert.Equal(Clock.GetUtcNow().AddDays(60), issued.View.ExpiresAt);
        Assert.Equal(OnboardingTokenState.Valid, issued.View.State);
        Assert.Equal(Admin.LoginId, issued.View.IssuedBy);
        Assert.NotNull(await Store.FindUsableAsync(issued.Value, CancellationToken.None));
        Assert.Equal(1, await EventsAsync(ProviderOperationEvents.OnboardingTokenIssued));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE detail LIKE '%' || $1 || '%'", issued.Token.Secret));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE detail LIKE '%' || $1 || '%'", issued.Token.Id));
    }

    [Fact]
    public async Task States_ValidUsedExpiredRenewedRevoked()
    {
        var issued = await Operations.IssueAsync(Admin, SandboxProvider.Id, "山田 太郎", Reason, CancellationToken.None);
        var id = issued.View.Id;
        Assert.Equal(OnboardingTokenState.Valid, await StateAsync(id));

        await Store.MarkUsedAsync(id, CancellationToken.None);
        Assert.Equal(OnboardingTokenState.Used, await StateAsync(id));
        Assert.Equal(1, (await Operations.GetAsync(Viewer, id, CancellationToken.None)).UseCount);

        Clock.Advance(TimeSpan.FromDays(60) - TimeSpan.FromSeconds(1));
        Assert.Equal(OnboardingTokenState.Used, await StateAsync(id));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(OnboardingTokenState.Expired, await StateAsync(id));

        var renewed = await Operations.RenewAsync(Admin, id, Reason, CancellationToken.None);

        Assert.Equal(Clock.GetUtcNow().AddDays(60), renewed.View.ExpiresAt);
        Assert.Equal(id, renewed.View.RenewedFrom);
        Assert.Equal("山田 太郎", renewed.View.PersonName);
        var old = await Operations.GetAsync(Viewer, id, CancellationToken.None);
        Assert.Equal((OnboardingTokenState.Renewed, renewed.View.Id), (old.State, old.RenewedTo));
        Assert.Null(await Store.FindUsableAsync(issued.Value, CancellationToken.None));
        Assert.NotNull(await Store.FindUsableAsync(renewed.Value, CancellationToken.None));
        Assert.Equal(1, await EventsAsync(ProviderOperationEvents.OnboardingTokenRenewed));

        var revoked = await Operations.RevokeAsync(Admin, renewed.View.Id, Reason, CancellationToken.None);

        Assert.Equal(OnboardingTokenState.Revoked, revoked.State);
        Assert.Null(await Store.FindUsableAsync(renewed.Value, CancellationToken.None));
        Assert.Equal(1, await EventsAsync(ProviderOperationEvents.OnboardingTokenRevoked));
        var list = await Operations.ListAsync(Viewer, SandboxProvider.Id, CancellationToken.None);
        Assert.Equal([renewed.View.Id, id], list.Select(t => t.Id));
    }

    [Fact]
    public async Task Renew_RenewedOrRevoked_ConflictNamingTheSuccessor()
    {
        var issued = await Operations.IssueAsync(Admin, SandboxProvider.Id, "山田 太郎", Reason, CancellationToken.None);
        var renewed = await Operations.RenewAsync(Admin, issued.View.Id, Reason, CancellationToken.None);

        var again = await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RenewAsync(Admin, issued.View.Id, Reason, CancellationToken.None));
        Assert.Equal("conflict", again.Code);
        Assert.Contains(renewed.View.Id, again.Message, StringComparison.Ordinal);

        await Operations.RevokeAsync(Admin, renewed.View.Id, Reason, CancellationToken.None);
        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RenewAsync(Admin, renewed.View.Id, Reason, CancellationToken.None))).Code);
        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RevokeAsync(Admin, renewed.View.Id, Reason, CancellationToken.None))).Code);
        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RevokeAsync(Admin, issued.View.Id, Reason, CancellationToken.None))).Code);
    }

    [Theory]
    [InlineData("zzzzzzzz")]
    [InlineData("ABCDEFGH")]
    [InlineData("abc")]
    [InlineData(null)]
    public async Task RenewRevokeGet_UnknownOrMalformedId_NotFound(string? id)
    {
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RenewAsync(Admin, id, Reason, CancellationToken.None))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RevokeAsync(Admin, id, Reason, CancellationToken.None))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.GetAsync(Viewer, id, CancellationToken.None))).Code);
    }

    [Fact]
    public async Task Issue_RoleReasonPersonOrProvider_Refused()
    {
        Assert.Equal("forbidden", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.IssueAsync(Viewer, SandboxProvider.Id, "山田", Reason, CancellationToken.None))).Code);
        Assert.Equal("forbidden", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.IssueAsync(Operator, SandboxProvider.Id, "山田", Reason, CancellationToken.None))).Code);
        Assert.Equal("invalid_reason", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.IssueAsync(Admin, SandboxProvider.Id, "山田", "    ", CancellationToken.None))).Code);
        Assert.Equal("invalid_request", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.IssueAsync(Admin, SandboxProvider.Id, " ", Reason, CancellationToken.None))).Code);
        Assert.Equal("invalid_request", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.IssueAsync(Admin, SandboxProvider.Id, new string('a', 201), Reason, CancellationToken.None))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.IssueAsync(Admin, Guid.NewGuid(), "山田", Reason, CancellationToken.None))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.ListAsync(Viewer, Guid.NewGuid(), CancellationToken.None))).Code);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM onboarding_tokens WHERE issued_by = $1", Admin.LoginId));
    }

    [Fact]
    public async Task IssueAndRenew_SuspendedProvider_Conflict()
    {
        var issued = await Operations.IssueAsync(Admin, SandboxProvider.Id, "山田 太郎", Reason, CancellationToken.None);
        await Services.GetRequiredService<ProviderOperations>().SuspendAsync(Admin, SandboxProvider.Id, Reason, false, CancellationToken.None);

        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.IssueAsync(Admin, SandboxProvider.Id, "山田", Reason, CancellationToken.None))).Code);
        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Operations.RenewAsync(Admin, issued.View.Id, Reason, CancellationToken.None))).Code);
        Assert.Equal(OnboardingTokenState.Valid, await StateAsync(issued.View.Id));
        Assert.True((await Services.GetRequiredService<AuditVerifier>().VerifyAsync(CancellationToken.None)).IsIntact);
    }
}
