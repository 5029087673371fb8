using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Security.Cryptography;

namespace BankLink.Jose;

// The rules every Jwk passes on creation, whether read from JSON or exported from a .NET key: the
// "always valid" invariant of the type lives in this file.
public sealed partial class Jwk
{
    internal static bool TryCreateEc(byte[] x, byte[] y, byte[]? d, JwkMetadata metadata, [NotNullWhen(true)] out Jwk? jwk, out JwkFailure failure)
    {
        jwk = null;

        // RFC 7518 §6.2.1.2-3 and §6.2.2.1: P-256 coordinates and the private scalar are exactly 32 octets.
        if (x.Length != P256CoordinateBytes || y.Length != P256CoordinateBytes || (d is not null && d.Length != P256CoordinateBytes))
        {
            failure = JwkFailure.InvalidKeyMaterial;
            return false;
        }

        // A public point validated before needs no second import (see PublicPointCache).
        if (d is null && PublicPointCache.TryGet(x, y, out var known))
        {
            jwk = new Jwk(x, y, null, metadata, known!);
            failure = JwkFailure.None;
            return true;
        }

        KeyObject imported;
        try
        {
            // Importing validates the point is on the curve (an invalid-curve attack needs an off-curve point)
            // and, with "d", that d·G is the public point. The imported key is kept for signing and verifying.
            imported = new KeyObject(ECDsa.Create(EcParameters(x, y, d)));
        }
        catch (CryptographicException)
        {
            failure = JwkFailure.InvalidKeyMaterial;
            return false;
        }

        if (d is null)
        {
            PublicPointCache.Add(x, y, imported);
        }

        jwk = new Jwk(x, y, d, metadata, imported);
        failure = JwkFailure.None;
        return true;
    }

    internal static bool TryCreateRsa(RsaMembers members, JwkMetadata metadata, [NotNullWhen(true)] out Jwk? jwk, out JwkFailure failure)
    {
        jwk = null;
        var n = members.N;
        var e = members.E;

        // RFC 7518 §2 (Base64urlUInt) and §6.3.1: minimal big-endian octets. A leading zero would also give the same
        // key two different RFC 7638 thumbprints.
        if (n.Length == 0 || n[0] == 0 || e.Length == 0 || e[0] == 0)
        {
            failure = JwkFailure.InvalidKeyMaterial;
            return false;
        }

        var leadingZeroBits = BitOperations.LeadingZeroCount((uint)n[0]) - 24;
        var bits = (n.Length * 8) - leadingZeroBits;
        if (bits < JoseLimits.MinRsaKeySizeBits)
        {
            failure = JwkFailure.KeyTooSmall;
            return false;
        }

        if (bits > JoseLimits.MaxRsaKeySizeBits)
        {
            failure = JwkFailure.KeyTooLarge;
            return false;
        }

        // An even exponent is not RSA, and e = 1 makes every signature its own message.
        if (e.Length > JoseLimits.MaxRsaExponentBytes || (e[^1] & 1) == 0 || (e.Length == 1 && e[0] < 3))
        {
            failure = JwkFailure.InvalidKeyMaterial;
            return false;
        }

        var parameters = new RSAParameters { Modulus = n, Exponent = e };
        if (members.HasAnyPrivateMember)
        {
            if (!TryBuildPrivate(members, ref parameters))
            {
                failure = JwkFailure.InvalidKeyMaterial;
                return false;
            }
        }

        KeyObject imported;
        try
        {
            // OpenSSL checks d·e ≡ 1 and the CRT members on import; the check above makes n = p·q explicit
            // on every platform. The imported key is kept for signing and verifying.
            imported = new KeyObject(RSA.Create(parameters));
        }
        catch (CryptographicException)
        {
            failure = JwkFailure.InvalidKeyMaterial;
            return false;
        }

        jwk = new Jwk(parameters, bits, metadata, imported);
        failure = JwkFailure.None;
        return true;
    }

    private static bool TryBuildPrivate(RsaMembers members, ref RSAParameters parameters)
    {
        // RFC 7518 §6.3.2: with "d", BankLink requires every CRT member too; "d" alone is legal JOSE, but .NET
        // cannot import it and it is never how we store our own keys. A CRT member without "d" is malformed.
        if (members.D is null || members.P is null || members.Q is null || members.DP is null || members.DQ is null || members.QI is null)
        {
            return false;
        }

        var n = members.N;
        var half = (n.Length + 1) / 2;
        if (!TryLeftPad(members.D, n.Length, out var d) || !TryLeftPad(members.P, half, out var p) || !TryLeftPad(members.Q, half, out var q)
            || !TryLeftPad(members.DP, half, out var dp) || !TryLeftPad(members.DQ, half, out var dq) || !TryLeftPad(members.QI, half, out var qi))
        {
            return false;
        }

        var modulus = new BigInteger(n, isUnsigned: true, isBigEndian: true);
        if (new BigInteger(p, isUnsigned: true, isBigEndian: true) * new BigInteger(q, isUnsigned: true, isBigEndian: true) != modulus)
        {
            return false;
        }

        parameters.D = d;
        parameters.P = p;
        parameters.Q = q;
        parameters.DP = dp;
        parameters.DQ = dq;
        parameters.InverseQ = qi;
        return true;
    }

    private static bool TryLeftPad(byte[] value, int length, out byte[] padded)
    {
        var significant = value.AsSpan().TrimStart((byte)0);
        padded = new byte[length];
        if (significant.Length > length)
        {
            return false;
        }

        significant.CopyTo(padded.AsSpan(length - significant.Length));
        return true;
    }
}
