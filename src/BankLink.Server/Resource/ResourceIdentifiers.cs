using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using BankLink.CoreBanking;
using BankLink.Data.Keys;

namespace BankLink.Server.Resource;

/// <summary>
/// The identifiers providers see, never the core's: account ids are pairwise per provider,
/// base64url(HMAC-SHA256(server secret, provider id | account id)), like pairwise subjects, so two providers
/// cannot correlate a customer's account, and an id is stable for as long as the secret; a presented id is
/// mapped back by computing the ids of the grant's few accounts. Transaction ids are the same idea over the
/// account and the line's sequence, cut to 128 bits. History cursors are sealed with AES-GCM (see <see cref="HistoryCursor"/>).
/// </summary>
public sealed class ResourceIdentifiers(ServerSecrets secrets)
{
    /// <summary>The length of an account id: 32 bytes in base64url without padding.</summary>
    public const int AccountIdLength = 43;

    private ResourceKeys? _keys;

    /// <summary>The three keys, read once per process (ServerSecrets creates them on first use by any node).</summary>
    public async ValueTask<ResourceKeys> KeysAsync(CancellationToken cancellationToken)
    {
        if (_keys is { } keys)
        {
            return keys;
        }

        keys = new ResourceKeys(
            await secrets.GetAsync("pairwise_account", cancellationToken),
            await secrets.GetAsync("pairwise_transaction", cancellationToken),
            await secrets.GetAsync("history_cursor", cancellationToken));
        _keys = keys;
        return keys;
    }

    public static string AccountId(ResourceKeys keys, Guid providerId, Guid accountId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Span<byte> mac = stackalloc byte[32];
        Mac(keys.Account, providerId, accountId, null, mac);
        return Base64Url.EncodeToString(mac);
    }

    public static string TransactionId(ResourceKeys keys, Guid providerId, Guid accountId, long sequence)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Span<byte> mac = stackalloc byte[32];
        Mac(keys.Transaction, providerId, accountId, sequence, mac);
        return Base64Url.EncodeToString(mac[..16]);
    }

    /// <summary>
    /// The account of <paramref name="accountIds"/> whose pairwise id is <paramref name="presented"/>; null for any
    /// other value (another provider's id, another customer's, unticked, malformed): the caller answers one 404 for all.
    /// </summary>
    public static Guid? Resolve(ResourceKeys keys, Guid providerId, IReadOnlyList<Guid> accountIds, string presented)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(accountIds);
        Span<byte> wanted = stackalloc byte[32];
        if (presented is not { Length: AccountIdLength } || !Base64Url.TryDecodeFromChars(presented, wanted, out var written) || written != 32)
        {
            return null;
        }

        Span<byte> candidate = stackalloc byte[32];
        foreach (var accountId in accountIds)
        {
            Mac(keys.Account, providerId, accountId, null, candidate);
            if (CryptographicOperations.FixedTimeEquals(candidate, wanted))
            {
                return accountId;
            }
        }

        return null;
    }

    private static void Mac(byte[] key, Guid providerId, Guid accountId, long? sequence, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[40];
        providerId.TryWriteBytes(input[..16], bigEndian: true, out _);
        accountId.TryWriteBytes(input[16..32], bigEndian: true, out _);
        var length = 32;
        if (sequence is { } seq)
        {
            BinaryPrimitives.WriteInt64BigEndian(input[32..], seq);
            length = 40;
        }

        HMACSHA256.HashData(key, input[..length], destination);
    }
}

/// <summary>The server secrets behind account ids, transaction ids and history cursors.</summary>
public sealed record ResourceKeys(byte[] Account, byte[] Transaction, byte[] Cursor);

/// <summary>
/// An opaque, tamper-proof position in an account's history: the core's keyset (booking date, sequence) sealed
/// with AES-GCM under a server secret, with the grant, the account and the date range as associated data. So a
/// cursor cannot be read, forged or edited, and one issued for another account, grant or range fails to open
/// (issue 5: cursors tampered with are refused). Layout: nonce (12) | ciphertext (13) | tag (16), base64url.
/// </summary>
public static class HistoryCursor
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int PlainSize = 13;
    private const int TagSize = 16;
    private const int SealedSize = NonceSize + PlainSize + TagSize;

    /// <summary>The length of a cursor: 41 bytes in base64url without padding.</summary>
    public const int Length = 55;

    public static string Seal(byte[] key, CursorScope scope, CoreTransactionKey position)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> plain = stackalloc byte[PlainSize];
        plain[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(plain[1..], position.BookingDate.DayNumber);
        BinaryPrimitives.WriteInt64BigEndian(plain[5..], position.Sequence);
        Span<byte> sealedBytes = stackalloc byte[SealedSize];
        RandomNumberGenerator.Fill(sealedBytes[..NonceSize]);
        Span<byte> associated = stackalloc byte[40];
        scope.Write(associated);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(sealedBytes[..NonceSize], plain, sealedBytes.Slice(NonceSize, PlainSize), sealedBytes[(NonceSize + PlainSize)..], associated);
        return Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The position sealed in <paramref name="cursor"/> for exactly this scope; null when it is anything else.</summary>
    public static CoreTransactionKey? Open(byte[] key, CursorScope scope, string cursor)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> sealedBytes = stackalloc byte[SealedSize];
        if (cursor is not { Length: Length } || !Base64Url.TryDecodeFromChars(cursor, sealedBytes, out var written) || written != SealedSize)
        {
            return null;
        }

        Span<byte> associated = stackalloc byte[40];
        scope.Write(associated);
        Span<byte> plain = stackalloc byte[PlainSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes[..NonceSize], sealedBytes.Slice(NonceSize, PlainSize), sealedBytes[(NonceSize + PlainSize)..], plain, associated);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        var dayNumber = BinaryPrimitives.ReadInt32BigEndian(plain[1..]);
        var sequence = BinaryPrimitives.ReadInt64BigEndian(plain[5..]);
        return plain[0] == Version && dayNumber >= DateOnly.MinValue.DayNumber && dayNumber <= DateOnly.MaxValue.DayNumber && sequence > 0
            ? new CoreTransactionKey(DateOnly.FromDayNumber(dayNumber), sequence)
            : null;
    }
}

/// <summary>What a history cursor is bound to: the grant, the account and the date range of the query.</summary>
public readonly record struct CursorScope(Guid GrantId, Guid AccountId, DateOnly From, DateOnly To)
{
    public void Write(Span<byte> destination)
    {
        GrantId.TryWriteBytes(destination[..16], bigEndian: true, out _);
        AccountId.TryWriteBytes(destination[16..32], bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(destination[32..], From.DayNumber);
        BinaryPrimitives.WriteInt32BigEndian(destination[36..], To.DayNumber);
    }
}
