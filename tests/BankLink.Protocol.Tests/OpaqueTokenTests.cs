using BankLink.Protocol.Tokens;

namespace BankLink.Protocol.Tests;

public sealed class OpaqueTokenTests
{
    [Theory]
    [InlineData(TokenKind.AccessToken, "blat_")]
    [InlineData(TokenKind.RefreshToken, "blrt_")]
    [InlineData(TokenKind.AuthorizationCode, "blac_")]
    [InlineData(TokenKind.RequestUri, "blru_")]
    [InlineData(TokenKind.RegistrationAccessToken, "blra_")]
    [InlineData(TokenKind.ClientSecret, "blcs_")]
    public void Create_PrefixNamesTheKindAndTheRestIs256BitsBase64Url(TokenKind kind, string prefix)
    {
        var token = OpaqueToken.Create(kind);

        Assert.StartsWith(prefix, token, StringComparison.Ordinal);
        Assert.Equal(prefix.Length + 43, token.Length);
        Assert.Matches("^[a-z]{4}_[A-Za-z0-9_-]{43}$", token);
        Assert.True(OpaqueToken.IsWellFormed(token, kind));
    }

    [Fact]
    public void Create_NeverRepeats()
    {
        var tokens = Enumerable.Range(0, 10_000).Select(_ => OpaqueToken.Create(TokenKind.AccessToken)).ToHashSet();

        Assert.Equal(10_000, tokens.Count);
    }

    [Fact]
    public void Hash_IsSha256OfTheWholeTokenAndDiffersPerKind()
    {
        var token = OpaqueToken.Create(TokenKind.AccessToken);
        var sameRandomOtherKind = "blrt_" + token[5..];

        Assert.Equal(32, OpaqueToken.Hash(token).Length);
        Assert.True(OpaqueToken.HashesEqual(OpaqueToken.Hash(token), OpaqueToken.Hash(token)));
        Assert.False(OpaqueToken.HashesEqual(OpaqueToken.Hash(token), OpaqueToken.Hash(sameRandomOtherKind)));
    }

    [Fact]
    public void IsWellFormed_TokenOfAnotherKind_Refused()
    {
        Assert.False(OpaqueToken.IsWellFormed(OpaqueToken.Create(TokenKind.RefreshToken), TokenKind.AccessToken));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("blat_")]
    [InlineData("blat_short")]
    [InlineData("blat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("blat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("BLAT_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData(" blat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void IsWellFormed_MissingTruncatedOversizedOrForged_Refused(string? token)
    {
        Assert.False(OpaqueToken.IsWellFormed(token, TokenKind.AccessToken));
    }

    [Fact]
    public void MaxLength_CoversEveryKind()
    {
        Assert.All(Enum.GetValues<TokenKind>(), kind => Assert.True(OpaqueToken.Create(kind).Length <= OpaqueToken.MaxLength));
    }
}
