namespace BankLink.Jose.Tests;

public sealed class JwsAlgorithmTests
{
    [Theory]
    [InlineData("ES256", JwsAlgorithm.ES256)]
    [InlineData("PS256", JwsAlgorithm.PS256)]
    [InlineData("RS256", JwsAlgorithm.RS256)]
    public void TryParse_ImplementedName_ParsedAndNameRoundTrips(string name, JwsAlgorithm expected)
    {
        var parsed = JwsAlgorithms.TryParse(name, out var algorithm);

        Assert.True(parsed);
        Assert.Equal(expected, algorithm);
        Assert.Equal(name, JwsAlgorithms.GetName(algorithm));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("HS256")]
    [InlineData("HS512")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("RS512")]
    [InlineData("PS384")]
    [InlineData("EdDSA")]
    [InlineData("es256")] // RFC 7515 §4.1.1: "alg" is case-sensitive.
    [InlineData(" ES256")]
    [InlineData("ES256 ")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_AnyOtherName_Refused(string? name)
    {
        var parsed = JwsAlgorithms.TryParse(name, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void Fapi2_AllowsPs256AndEs256Only()
    {
        Assert.Equal(new HashSet<JwsAlgorithm> { JwsAlgorithm.PS256, JwsAlgorithm.ES256 }, JwsAlgorithms.Fapi2);
        Assert.DoesNotContain(JwsAlgorithm.RS256, JwsAlgorithms.Fapi2);
    }

    [Fact]
    public void GetName_UndefinedValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JwsAlgorithms.GetName(default));
    }
}
