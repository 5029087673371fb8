using System.Buffers.Text;

namespace BankLink.Jose;

/// <summary>
/// Strict base64url (RFC 7515 §2, RFC 4648 §5): the URL-safe alphabet only, no padding, no whitespace,
/// canonical trailing bits. System.Buffers.Text.Base64Url alone accepts "=" padding and skips whitespace,
/// which would let two different strings decode to the same bytes.
/// </summary>
internal static class Base64UrlStrict
{
    public static bool TryDecode(ReadOnlySpan<char> encoded, out byte[] decoded)
    {
        decoded = [];

        // A length of 4n+1 can never be produced by an encoder (RFC 4648 §5 without padding).
        if (encoded.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in encoded)
        {
            if (!IsAlphabet(c))
            {
                return false;
            }
        }

        try
        {
            // Base64Url refuses non-zero trailing bits ("AB"), so each byte string has exactly one encoding
            // (RFC 4648 §3.5). That keeps thumbprints and signing inputs unambiguous.
            decoded = Base64Url.DecodeFromChars(encoded);
            return true;
        }
        catch (FormatException)
        {
            decoded = [];
            return false;
        }
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static bool IsAlphabet(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_';
}
