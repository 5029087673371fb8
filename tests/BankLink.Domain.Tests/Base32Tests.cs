using System.Text;
using BankLink.Domain.Otp;

namespace BankLink.Domain.Tests;

/// <summary>RFC 4648 §10 test vectors (padding omitted, as authenticator apps use it).</summary>
public sealed class Base32Tests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void EncodeDecode_Rfc4648Vectors(string text, string base32)
    {
        Assert.Equal(base32, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(text, Encoding.ASCII.GetString(Base32.Decode(base32)));
    }

    [Fact]
    public void Decode_LowerCaseSpacesAndPadding_AsPeopleTypeThem()
    {
        Assert.Equal("foobar", Encoding.ASCII.GetString(Base32.Decode("mzxw 6ytb oi======")));
    }

    [Fact]
    public void Decode_CharacterOutsideAlphabet_Refused()
    {
        Assert.Throws<FormatException>(() => Base32.Decode("MZXW1"));
    }
}
