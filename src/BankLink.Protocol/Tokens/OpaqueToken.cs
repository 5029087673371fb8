using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace BankLink.Protocol.Tokens;

/// <summary>The kinds of opaque secret BankLink hands out; each has its own readable prefix.</summary>
public enum TokenKind
{
    AccessToken,
    RefreshToken,
    AuthorizationCode,

    /// <summary>The reference part of a PAR request_uri (RFC 9126 §2.2).</summary>
    RequestUri,

    /// <summary>RFC 7592 registration access token.</summary>
    RegistrationAccessToken,

    /// <summary>client_secret of a non-FAPI client (RFC 6749 §2.3.1).</summary>
    ClientSecret,
}

/// <summary>
/// Opaque tokens (ARCHITECTURE.md "Tokens"): a short prefix naming the kind, so a leaked secret is
/// recognisable (by people and by secret scanners), then 256 random bits in base64url. Only the SHA-256
/// of the whole string is ever stored: the database never holds a usable token.
/// </summary>
public static class OpaqueToken
{
    /// <summary>256 bits: unguessable (RFC 6749 §10.10 asks for at least 128; FAPI 2.0 for 128 or more).</summary>
    public const int RandomBytes = 32;

    private static readonly Dictionary<TokenKind, string> Prefixes = new()
    {
        [TokenKind.AccessToken] = "blat_",
        [TokenKind.RefreshToken] = "blrt_",
        [TokenKind.AuthorizationCode] = "blac_",
        [TokenKind.RequestUri] = "blru_",
        [TokenKind.RegistrationAccessToken] = "blra_",
        [TokenKind.ClientSecret] = "blcs_",
    };

    /// <summary>The longest token this module creates; anything longer is refused before hashing.</summary>
    public static int MaxLength { get; } = Prefixes.Values.Max(p => p.Length) + Base64Url.GetEncodedLength(RandomBytes);

    public static string Create(TokenKind kind)
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return Prefixes[kind] + Base64Url.EncodeToString(random);
    }

    /// <summary>What is stored and looked up: SHA-256 of the token, prefix included, so a hash of one kind never matches another.</summary>
    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>
    /// Checks the shape before any lookup (STYLE.md 7): the expected kind's prefix, the exact length,
    /// base64url only. A token of another kind, or a forged shape, never reaches the database.
    /// </summary>
    public static bool IsWellFormed(string? token, TokenKind kind)
    {
        if (token is null || token.Length != Prefixes[kind].Length + Base64Url.GetEncodedLength(RandomBytes)
            || !token.StartsWith(Prefixes[kind], StringComparison.Ordinal))
        {
            return false;
        }

        return Base64Url.IsValid(token.AsSpan(Prefixes[kind].Length), out var decodedLength) && decodedLength == RandomBytes;
    }

    /// <summary>Compares two hashes in constant time (STYLE.md 8).</summary>
    public static bool HashesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);
}
