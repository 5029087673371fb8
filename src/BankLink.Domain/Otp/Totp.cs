using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BankLink.Domain.Otp;

/// <summary>The HMAC behind a TOTP code (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512).</summary>
public enum TotpAlgorithm
{
    Sha1,
    Sha256,
    Sha512,
}

/// <summary>
/// Time-based one-time passwords (RFC 6238) built on HOTP's dynamic truncation (RFC 4226 §5.3).
/// BankLink's tokens use SHA-1, 6 digits and 30-second steps: what every authenticator app and the
/// bank's hardware devices compute (DOMAIN.md "Proving who the customer is").
/// </summary>
public static class Totp
{
    public const int Digits = 6;

    /// <summary>RFC 6238 §5.2 recommends 30 seconds as the balance between security and usability.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Steps accepted either side of the current one, for clock drift and the time it takes to type the
    /// code (RFC 6238 §5.2 recommends at most one step of network delay).
    /// </summary>
    public const int DriftSteps = 1;

    /// <summary>RFC 6238 §4.2: T = floor((unix time − T0) / X), with T0 = 0.</summary>
    public static long TimeStepAt(DateTimeOffset instant, TimeSpan? period = null) =>
        instant.ToUnixTimeSeconds() / (long)(period ?? Period).TotalSeconds;

    /// <summary>The code for one time step: HOTP (RFC 4226 §5.3) with the time step as the counter.</summary>
    public static string Compute(ReadOnlySpan<byte> seed, long timeStep, int digits = Digits, TotpAlgorithm algorithm = TotpAlgorithm.Sha1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 9);
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, timeStep);
        Span<byte> mac = stackalloc byte[64];
        // HMAC-SHA-1 is what RFC 6238 and authenticator apps use; HMAC's security does not rest on SHA-1's
        // collision resistance (RFC 2104 §6, RFC 4226 Appendix A.4), so CA5350 does not apply here.
#pragma warning disable CA5350
        var length = algorithm switch
        {
            TotpAlgorithm.Sha1 => HMACSHA1.HashData(seed, counter, mac),
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(seed, counter, mac),
            TotpAlgorithm.Sha512 => HMACSHA512.HashData(seed, counter, mac),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };
#pragma warning restore CA5350

        // RFC 4226 §5.3 dynamic truncation: the low nibble of the last byte picks four bytes, whose top
        // bit is masked so the number is the same signed or unsigned.
        var offset = mac[length - 1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7fff_ffff;
        var code = binary % PowerOfTen(digits);
        return code.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>
    /// The time step whose code matches <paramref name="code"/>, within <see cref="DriftSteps"/> of now;
    /// null when none does or the code is not exactly six digits. Every step in the window is computed and
    /// compared in constant time, so the answer's timing says nothing about which step was close.
    /// The caller must still refuse a step already used (RFC 6238 §5.2: one use per code).
    /// </summary>
    public static long? Verify(ReadOnlySpan<byte> seed, string? code, DateTimeOffset now)
    {
        if (code is null || code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var typed = System.Text.Encoding.ASCII.GetBytes(code);
        var current = TimeStepAt(now);
        long? matched = null;
        for (var step = current - DriftSteps; step <= current + DriftSteps; step++)
        {
            var expected = System.Text.Encoding.ASCII.GetBytes(Compute(seed, step));

            // The latest matching step wins, so a code that happens to match two steps is spent for both.
            if (CryptographicOperations.FixedTimeEquals(expected, typed))
            {
                matched = step;
            }
        }

        return matched;
    }

    private static int PowerOfTen(int digits)
    {
        var result = 1;
        for (var i = 0; i < digits; i++)
        {
            result *= 10;
        }

        return result;
    }
}
