using BankLink.Domain.Security;

namespace BankLink.Domain.Tests;

public sealed class SecretHasherTests
{
    [Fact]
    public void Hash_ThenVerify_AcceptsOnlyTheSameSecret()
    {
        var stored = SecretHasher.Hash("Sandbox-Tanaka-01", iterations: 1_000);

        Assert.True(SecretHasher.Verify("Sandbox-Tanaka-01", stored));
        Assert.False(SecretHasher.Verify("Sandbox-Tanaka-02", stored));
        Assert.False(SecretHasher.Verify("", stored));
    }

    [Fact]
    public void Hash_NeverContainsTheSecretAndIsSaltedPerCall()
    {
        var first = SecretHasher.Hash("1357", iterations: 1_000);
        var second = SecretHasher.Hash("1357", iterations: 1_000);

        Assert.DoesNotContain("1357", first.Split('$')[3], StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Hash_DefaultCost_IsRecordedInTheHash()
    {
        Assert.StartsWith($"pbkdf2-sha512${SecretHasher.DefaultIterations}$", SecretHasher.Hash("x"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("pbkdf2-sha512$0$AAAA$AAAA")]
    [InlineData("pbkdf2-sha512$1000$not base64$AAAA")]
    [InlineData("md5$1$AAAA$AAAA")]
    public void Verify_MalformedStoredValue_FailsClosed(string stored)
    {
        Assert.False(SecretHasher.Verify("anything", stored));
    }
}
