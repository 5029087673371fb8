using BankLink.Domain.Accounts;

namespace BankLink.Domain.Tests;

/// <summary>DOMAIN.md "Accounts that can be linked".</summary>
public sealed class LinkabilityTests
{
    [Theory]
    [InlineData(AccountKind.Ordinary)]
    [InlineData(AccountKind.Savings)]
    [InlineData(AccountKind.CardLoan)]
    public void Evaluate_LinkableKindOpenWithPinCard_IsLinkable(AccountKind kind)
    {
        Assert.Equal(NotLinkableReason.None, Linkability.Evaluate(kind, AccountStatus.Open, hasPinRegisteredCard: true));
    }

    [Fact]
    public void Evaluate_TimeDeposit_NeverLinkable()
    {
        Assert.Equal(NotLinkableReason.KindNotOffered, Linkability.Evaluate(AccountKind.TimeDeposit, AccountStatus.Open, true));
    }

    [Fact]
    public void Evaluate_NoPinRegisteredCard_NotLinkable()
    {
        Assert.Equal(NotLinkableReason.NoPinRegisteredCard, Linkability.Evaluate(AccountKind.Ordinary, AccountStatus.Open, false));
    }

    [Theory]
    [InlineData(AccountStatus.Closed, NotLinkableReason.Closed)]
    [InlineData(AccountStatus.Frozen, NotLinkableReason.Frozen)]
    public void Evaluate_ClosedOrFrozen_NotLinkableWhateverElse(AccountStatus status, NotLinkableReason reason)
    {
        Assert.Equal(reason, Linkability.Evaluate(AccountKind.Ordinary, status, true));
        Assert.Equal(reason, Linkability.Evaluate(AccountKind.TimeDeposit, status, false));
    }
}
