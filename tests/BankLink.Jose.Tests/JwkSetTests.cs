using System.Text.Json;

namespace BankLink.Jose.Tests;

public sealed class JwkSetTests
{
    private static JwkSet Parse(string json)
    {
        Assert.True(JwkSet.TryParse(json, out var set, out var failure), $"JWK Set refused: {failure}");
        return set;
    }

    private static string SetOf(params Jwk[] keys) => new JwkSet(keys).ToPublicJson();

    [Fact]
    public void TryParse_Rfc7517A1PublicKeys_BothKeysFoundByKid()
    {
        var parsed = JwkSet.TryParse(RfcVectors.Rfc7517A1PublicKeys, out var set, out var failure);

        Assert.True(parsed, failure.ToString());
        Assert.NotNull(set);
        Assert.Equal(2, set.Keys.Count);
        Assert.False(set.ContainsPrivateKey);
        Assert.Equal("EC", set.FindByKid("1")?.Kty);
        Assert.Equal("RSA", set.FindByKid("2011-04-29")?.Kty);
    }

    [Fact]
    public void FindByKid_UnknownKid_NoKey()
    {
        var set = Parse(RfcVectors.Rfc7517A1PublicKeys);

        Assert.Null(set.FindByKid("2011-04-30"));
        Assert.Null(set.FindVerificationKey("2011-04-30", JwsAlgorithm.RS256));
    }

    [Fact]
    public void FindVerificationKey_Rfc7517A1Set_HonoursEachKeysAlgAndUse()
    {
        var set = Parse(RfcVectors.Rfc7517A1PublicKeys);

        Assert.Equal("2011-04-29", set.FindVerificationKey("2011-04-29", JwsAlgorithm.RS256)?.Kid);
        Assert.Null(set.FindVerificationKey("2011-04-29", JwsAlgorithm.PS256)); // "alg":"RS256"
        Assert.Null(set.FindVerificationKey("1", JwsAlgorithm.ES256)); // "use":"enc"
    }

    [Fact]
    public void FindVerificationKey_NoKidAndOneCompatibleKey_ThatKey()
    {
        var set = Parse(SetOf(TestKeys.EcPrivate, TestKeys.RsaPrivate));

        var key = set.FindVerificationKey(null, JwsAlgorithm.ES256);

        Assert.Equal(TestKeys.EcPrivate.ComputeThumbprint(), key?.ComputeThumbprint());
    }

    [Fact]
    public void FindVerificationKey_NoKidAndTwoCompatibleKeys_NoKey()
    {
        var set = Parse(SetOf(TestKeys.EcPrivate, TestKeys.EcOtherPrivate));

        Assert.Null(set.FindVerificationKey(null, JwsAlgorithm.ES256));
    }

    [Fact]
    public void FindByKid_KidUsedTwice_NoKey()
    {
        var ec = TestKeys.NewEc("same");
        var rsa = TestKeys.NewRsa("same");
        var set = Parse(SetOf(ec, rsa));

        Assert.Null(set.FindByKid("same"));
        Assert.Equal("RSA", set.FindVerificationKey("same", JwsAlgorithm.PS256)?.Kty); // only one of them fits PS256
    }

    [Fact]
    public void ToPublicJson_Rfc7517A2PrivateKeys_PublishesOnlyPublicMembers()
    {
        var set = Parse(RfcVectors.Rfc7517A2PrivateKeys);

        var published = Parse(set.ToPublicJson());

        Assert.True(set.ContainsPrivateKey);
        Assert.False(published.ContainsPrivateKey);
        Assert.Equal(Parse(RfcVectors.Rfc7517A1PublicKeys).ToPublicJson(), published.ToPublicJson());
    }

    [Fact]
    public void TryParse_Rfc7517A3SymmetricKeys_RefusedWhole()
    {
        var parsed = JwkSet.TryParse(RfcVectors.Rfc7517A3SymmetricKeys, out var set, out var failure);

        Assert.False(parsed);
        Assert.Null(set);
        Assert.Equal(JwkFailure.UnsupportedKeyType, failure);
    }

    [Fact]
    public void TryParse_MoreKeysThanLimit_RefusedAsTooManyKeys()
    {
        var key = TestKeys.EcPrivate.ToPublicJson();
        var json = $$"""{"keys":[{{string.Join(",", Enumerable.Repeat(key, JoseLimits.MaxKeysInSet + 1))}}]}""";

        var parsed = JwkSet.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.TooManyKeys, failure);
    }

    [Fact]
    public void TryParse_LongerThanLimit_RefusedAsTooLarge()
    {
        var json = $$"""{"keys":[],"padding":"{{new string('a', JoseLimits.MaxJwkSetJsonLength)}}"}""";

        var parsed = JwkSet.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.TooLarge, failure);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"keys":{}}""")]
    [InlineData("""{"keys":null}""")]
    [InlineData("[]")]
    [InlineData("""{"keys":[1]}""")]
    public void TryParse_KeysMissingOrNotAnArrayOfObjects_Malformed(string json)
    {
        var parsed = JwkSet.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.Malformed, failure);
    }

    [Fact]
    public void TryParse_DuplicateMemberInsideAKey_Refused()
    {
        const string json = """{"keys":[{"kty":"EC","crv":"P-256","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]}""";

        var parsed = JwkSet.TryParse(json, out _, out var failure);

        Assert.False(parsed);
        Assert.Equal(JwkFailure.DuplicateMember, failure);
    }

    [Fact]
    public void TryParse_JwksMemberOfClientMetadata_Parsed()
    {
        // RFC 7591 §2: "jwks" arrives inside the registration request's JSON.
        using var metadata = JsonDocument.Parse($$"""{"client_name":"x","jwks":{{RfcVectors.Rfc7517A1PublicKeys}}}""");

        var parsed = JwkSet.TryParse(metadata.RootElement.GetProperty("jwks"), out var set, out var failure);

        Assert.True(parsed, failure.ToString());
        Assert.NotNull(set);
        Assert.Equal(2, set.Keys.Count);
    }

    [Fact]
    public void Constructor_MoreKeysThanLimit_Throws()
    {
        var keys = Enumerable.Repeat(TestKeys.EcPrivate, JoseLimits.MaxKeysInSet + 1);

        Assert.Throws<ArgumentException>(() => new JwkSet(keys));
    }
}
