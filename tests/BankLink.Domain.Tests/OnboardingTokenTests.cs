using BankLink.Domain.Providers;

namespace BankLink.Domain.Tests;

/// <summary>DOMAIN.md "Provider onboarding tokens": 8 characters, '@', 16 characters; stored only as a hash.</summary>
public sealed class OnboardingTokenTests
{
    [Fact]
    public void Create_ShapeIsEightAtSixteenLowerAlphanumerics()
    {
        var token = OnboardingToken.Create();

        Assert.Matches("^[0-9a-z]{8}@[0-9a-z]{16}$", token.Value);
        Assert.True(OnboardingToken.TryParse(token.Value, out var parsed));
        Assert.Equal(token, parsed);
    }

    [Fact]
    public void TryParse_DomainExample_Accepted()
    {
        Assert.True(OnboardingToken.TryParse("123a4567@1b234c5de6789000", out var token));
        Assert.Equal("123a4567", token.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123a4567@1b234c5de678900")]
    [InlineData("123a4567@1b234c5de67890000")]
    [InlineData("123a4567#1b234c5de6789000")]
    [InlineData("123A4567@1b234c5de6789000")]
    [InlineData("123a4567@1b234c5de678900 ")]
    [InlineData("123a4567@1b234c5de67890０0")]
    public void TryParse_AnythingElse_Refused(string? text)
    {
        Assert.False(OnboardingToken.TryParse(text, out _));
    }

    [Fact]
    public void Hash_MatchesOnlyTheSameToken()
    {
        var token = OnboardingToken.Create();
        var other = token with { Secret = token.Secret[..^1] + (token.Secret[^1] == 'a' ? 'b' : 'a') };

        Assert.True(token.Matches(token.Hash()));
        Assert.False(other.Matches(token.Hash()));
    }

    [Fact]
    public void ToString_NeverShowsTheSecret()
    {
        var token = OnboardingToken.Create();

        Assert.DoesNotContain(token.Secret, token.ToString(), StringComparison.Ordinal);
        Assert.StartsWith(token.Id, token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lifetime_IsSixtyDays()
    {
        Assert.Equal(TimeSpan.FromDays(60), OnboardingToken.Lifetime);
    }
}
