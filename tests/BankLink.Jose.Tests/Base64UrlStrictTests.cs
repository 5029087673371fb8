namespace BankLink.Jose.Tests;

public sealed class Base64UrlStrictTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("AQAB", "010001")]
    [InlineData("AQ", "01")]
    [InlineData("-_8", "FBFF")]
    public void TryDecode_CanonicalBase64Url_Decoded(string encoded, string hex)
    {
        var decoded = Base64UrlStrict.TryDecode(encoded, out var bytes);

        Assert.True(decoded);
        Assert.Equal(hex, Convert.ToHexString(bytes));
    }

    [Theory]
    [InlineData("AQ==")] // padding (RFC 7515 §2: omitted)
    [InlineData("AQ=")]
    [InlineData("A+B/")] // standard base64 alphabet
    [InlineData("AQ AB")] // whitespace, which System.Buffers.Text.Base64Url would skip
    [InlineData("AQ\nAB")]
    [InlineData("AQ\tAB")]
    [InlineData("A")] // a length no encoder produces
    [InlineData("AB")] // non-zero trailing bits: a second encoding of 0x00
    [InlineData("AQ\u00e9")]
    public void TryDecode_NonCanonicalOrForeignCharacters_Refused(string encoded)
    {
        var decoded = Base64UrlStrict.TryDecode(encoded, out _);

        Assert.False(decoded);
    }
}
