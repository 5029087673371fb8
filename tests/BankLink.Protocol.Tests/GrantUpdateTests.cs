using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Tests;

/// <summary>What a merge or replace consent does to a grant (FAPI Grant Management §5.2) and to its earlier tokens.</summary>
public sealed class GrantUpdateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 3, 0, 0, TimeSpan.Zero);
    private static readonly Guid Ordinary = Guid.NewGuid();
    private static readonly Guid Savings = Guid.NewGuid();
    private static readonly Guid CardLoan = Guid.NewGuid();

    private static readonly Grant Current = new(Guid.NewGuid(), "client-a", Guid.NewGuid(), Guid.NewGuid(), "openid balance", [Ordinary, Savings],
        Now.AddDays(-30), Now.AddDays(60));

    private static GrantUpdate Update(string action, string scope, Guid[] accounts, DateTimeOffset? expiresAt = null, Guid[]? linkable = null) =>
        new(Current.Id, Current.ClientId, Current.CustomerId, action, scope, accounts, (linkable ?? [Ordinary, Savings, CardLoan]).ToHashSet(), expiresAt ?? Now.AddDays(90));

    [Fact]
    public void ApplyTo_Merge_UnionOfAccountsAndScopes_LaterExpiry_Section5Point2()
    {
        var merged = Update("merge", "balance transactions", [CardLoan]).ApplyTo(Current);

        Assert.Equal([Ordinary, Savings, CardLoan], merged.AccountIds);
        Assert.Equal("openid balance transactions", merged.Scope);
        Assert.Equal(Now.AddDays(90), merged.ExpiresAt);
        Assert.Equal(Current.Id, merged.Id);
        Assert.Equal(Current.CreatedAt, merged.CreatedAt);
    }

    [Fact]
    public void ApplyTo_MergeWithAShorterPeriod_NeverBringsTheEndForward()
    {
        var merged = Update("merge", "balance", [], expiresAt: Now.AddDays(30)).ApplyTo(Current);

        Assert.Equal(Current.ExpiresAt, merged.ExpiresAt);
        Assert.Equal([Ordinary, Savings], merged.AccountIds);
    }

    [Fact]
    public void ApplyTo_Merge_AnAccountNoLongerLinkableIsNotCarriedOver()
    {
        var merged = Update("merge", "balance", [CardLoan], linkable: [Savings, CardLoan]).ApplyTo(Current);

        Assert.Equal([Savings, CardLoan], merged.AccountIds);
    }

    [Fact]
    public void ApplyTo_Replace_ExactlyTheNewConsent_Section5Point2()
    {
        var replaced = Update("replace", "transactions", [Savings, Savings]).ApplyTo(Current);

        Assert.Equal([Savings], replaced.AccountIds);
        Assert.Equal("transactions", replaced.Scope);
        Assert.Equal(Now.AddDays(90), replaced.ExpiresAt);
    }

    [Fact]
    public void ApplyTo_Create_IsNotAnUpdate()
    {
        Assert.Throws<InvalidOperationException>(() => Update("create", "balance", [Savings]).ApplyTo(Current));
    }

    [Fact]
    public void EndsTokens_BothEndRefreshTokensAndCodes_ReplaceAlsoAccessTokens()
    {
        Assert.Equal([StoredTokenKind.RefreshToken, StoredTokenKind.AuthorizationCode], Update("merge", "balance", []).EndsTokens);
        Assert.Equal([StoredTokenKind.RefreshToken, StoredTokenKind.AuthorizationCode, StoredTokenKind.AccessToken], Update("replace", "balance", [Savings]).EndsTokens);
    }
}
