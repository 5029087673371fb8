using System.Security.Cryptography;
using System.Text;

namespace BankLink.DemoBank;

/// <summary>Stable ids for generated rows, so every seed of the sandbox gives the same ids and links survive a reseed.</summary>
internal static class DeterministicIds
{
    public static Guid For(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("banklink-demo:" + name), hash);
        var bytes = hash[..16];

        // Mark it as an RFC 9562 version 8 (custom) UUID so nobody mistakes it for a random one.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>A seed for <see cref="Random"/> drawn from a name: the same name, the same history.</summary>
    public static int SeedFor(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("banklink-demo-seed:" + name), hash);
        return BitConverter.ToInt32(hash);
    }
}
