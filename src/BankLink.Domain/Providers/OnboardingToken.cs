using System.Security.Cryptography;
using System.Text;

namespace BankLink.Domain.Providers;

/// <summary>
/// A provider onboarding token (DOMAIN.md "Provider onboarding tokens"): shown to people as 8 characters,
/// '@', 16 characters (<c>1a2b3c4d@0123456789abcdef</c>-shaped, lower-case letters and digits). The first
/// part identifies the token and is stored as it is; the second is the secret (16 base-36 characters,
/// about 82 bits) and only the SHA-256 of the whole token is stored. Valid 60 days from creation.
/// </summary>
public sealed record OnboardingToken(string Id, string Secret)
{
    public const int IdLength = 8;
    public const int SecretLength = 16;
    public const int Length = IdLength + 1 + SecretLength;
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(60);
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>The form a provider pastes into client registration.</summary>
    public string Value => Id + "@" + Secret;

    public static OnboardingToken Create() => new(RandomString(IdLength), RandomString(SecretLength));

    /// <summary>Reads a pasted token; false for anything not exactly of the shape (checked before any lookup).</summary>
    public static bool TryParse(string? text, out OnboardingToken token)
    {
        token = null!;
        if (text is null || text.Length != Length || text[IdLength] != '@')
        {
            return false;
        }

        var id = text[..IdLength];
        var secret = text[(IdLength + 1)..];
        if (!id.All(IsAlphabet) || !secret.All(IsAlphabet))
        {
            return false;
        }

        token = new OnboardingToken(id, secret);
        return true;
    }

    /// <summary>What is stored: SHA-256 of the whole token (a high-entropy secret needs no slow hash).</summary>
    public byte[] Hash() => SHA256.HashData(Encoding.ASCII.GetBytes(Value));

    /// <summary>Checks this token against a stored hash in constant time.</summary>
    public bool Matches(ReadOnlySpan<byte> storedHash) => CryptographicOperations.FixedTimeEquals(Hash(), storedHash);

    /// <summary>The secret never appears in logs or exception messages: only the id does.</summary>
    public override string ToString() => Id + "@****************";

    private static bool IsAlphabet(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'z');

    private static string RandomString(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}

/// <summary>Where an onboarding token is in its life.</summary>
public enum OnboardingTokenStatus
{
    Active,

    /// <summary>Replaced by a renewal: the new token is the one to use.</summary>
    Renewed,

    /// <summary>Withdrawn by an operator.</summary>
    Revoked,
}

/// <summary>An issued onboarding token as stored: never the secret, only its hash.</summary>
public sealed record IssuedOnboardingToken(
    string Id,
    Guid ProviderId,
    string PersonName,
    OnboardingTokenStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? RenewedFrom,
    DateTimeOffset? LastUsedAt)
{
    public bool IsUsableAt(DateTimeOffset now) => Status == OnboardingTokenStatus.Active && now < ExpiresAt;
}
