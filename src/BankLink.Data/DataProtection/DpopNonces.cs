using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using BankLink.Protocol.Dpop;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace BankLink.Data.DataProtection;

/// <summary>Whether and how BankLink asks for DPoP server nonces (RFC 9449 §8).</summary>
public sealed class DpopNonceOptions
{
    public const string SectionName = "BankLink:Dpop";

    /// <summary>Require a server nonce in every proof: limits pre-generated proofs, at one extra round trip per client.</summary>
    public bool RequireNonce { get; set; }

    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Stateless DPoP nonces: the issue time, encrypted and authenticated with the shared Data Protection key
/// ring, so a nonce from any node is accepted by every node until it is too old, with nothing stored.
/// </summary>
public sealed class DpopNonces(IDataProtectionProvider dataProtection, IOptions<DpopNonceOptions> options, TimeProvider clock) : IDpopNonces
{
    private const int MaxLength = 512;
    private readonly IDataProtector _protector = dataProtection.CreateProtector("BankLink.DpopNonce.v1");
    private readonly DpopNonceOptions _options = options.Value;

    public bool Required => _options.RequireNonce;

    public string Issue()
    {
        Span<byte> issuedAt = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(issuedAt, clock.GetUtcNow().ToUnixTimeSeconds());
        return Base64Url.EncodeToString(_protector.Protect(issuedAt.ToArray()));
    }

    public bool IsValid(string? nonce)
    {
        if (nonce is null or { Length: 0 or > MaxLength })
        {
            return false;
        }

        try
        {
            var plain = _protector.Unprotect(Base64Url.DecodeFromChars(nonce));
            if (plain.Length != 8)
            {
                return false;
            }

            var issuedAt = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadInt64BigEndian(plain));
            var now = clock.GetUtcNow();
            return issuedAt <= now && now - issuedAt <= _options.NonceLifetime;
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
