using System.Security.Cryptography;
using System.Text;

namespace BankLink.Jose.Tests;

public sealed class JwkThumbprintTests
{
    [Fact]
    public void ComputeThumbprint_Rfc7638Section31Example_MatchesPublishedValue()
    {
        var jwk = TestKeys.Parse(RfcVectors.Rfc7638ExampleKey);

        var thumbprint = jwk.ComputeThumbprint();

        Assert.Equal(RfcVectors.Rfc7638ExampleThumbprint, thumbprint);
    }

    [Fact]
    public void ComputeThumbprint_Rfc9449ExampleProofKey_MatchesPublishedJkt()
    {
        // RFC 9449 §6.1 Figure 9: the "jkt" bound to tokens issued for the example proofs' key.
        var jwk = TestKeys.Parse(RfcVectors.Rfc9449ExampleJwk);

        var thumbprint = jwk.ComputeThumbprint();

        Assert.Equal(RfcVectors.Rfc9449ExampleJkt, thumbprint);
    }

    [Fact]
    public void ComputeThumbprint_OptionalMembersOrderAndWhitespace_DoNotChangeIt()
    {
        // RFC 7638 §3.2-3.3: only the required members count, sorted, without whitespace.
        const string reordered = """
            { "kid" : "other", "use":"sig",
              "e":"AQAB",
              "n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
              "kty":"RSA" }
            """;

        var thumbprint = TestKeys.Parse(reordered).ComputeThumbprint();

        Assert.Equal(RfcVectors.Rfc7638ExampleThumbprint, thumbprint);
    }

    [Fact]
    public void ComputeThumbprint_EcKey_IsSha256OfCrvKtyXY()
    {
        // RFC 7638 §3.2: for EC, {"crv","kty","x","y"} in that order. Built here independently of the module.
        var jwk = TestKeys.Parse(RfcVectors.Rfc9449ExampleJwk);
        const string required = """{"crv":"P-256","kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}""";

        var thumbprint = jwk.ComputeThumbprint();

        Assert.Equal(Tokens.B64(SHA256.HashData(Encoding.UTF8.GetBytes(required))), thumbprint);
    }

    [Fact]
    public void ComputeThumbprint_PrivateAndPublicFormsOfAKey_Equal()
    {
        var privateKey = TestKeys.Parse(RfcVectors.Rfc7515A2RsaKey);

        Assert.Equal(privateKey.ComputeThumbprint(), privateKey.ToPublicKey().ComputeThumbprint());
    }

    [Fact]
    public void ComputeThumbprint_DifferentKeys_Differ()
    {
        Assert.NotEqual(TestKeys.EcPrivate.ComputeThumbprint(), TestKeys.EcOtherPrivate.ComputeThumbprint());
    }
}
