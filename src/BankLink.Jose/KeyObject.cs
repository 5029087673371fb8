using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace BankLink.Jose;

/// <summary>
/// The .NET key behind a <see cref="Jwk"/>, imported once. Importing a P-256 key validates the point (a
/// scalar multiplication), which costs more than a signature check itself, so a key is imported on its
/// creation and kept. .NET key objects are not documented as thread-safe: every use holds the key's lock.
/// </summary>
internal sealed class KeyObject(AsymmetricAlgorithm key)
{
    private readonly Lock _lock = new();

    public T Use<T, TState>(Func<AsymmetricAlgorithm, TState, T> operation, TState state)
    {
        lock (_lock)
        {
            return operation(key, state);
        }
    }
}

/// <summary>
/// Public P-256 points already imported and found valid, by their coordinates. A DPoP client signs every
/// proof with the same key (RFC 9449 §4), so its point is validated once rather than on every request.
/// The entry is a pure function of the coordinates, so sharing it between requests reveals nothing and
/// trusts nothing; the cache is bounded and starts again when full.
/// </summary>
internal static class PublicPointCache
{
    public const int Capacity = 4096;

    private static readonly ConcurrentDictionary<string, KeyObject> Points = new(StringComparer.Ordinal);

    public static bool TryGet(byte[] x, byte[] y, out KeyObject? key) => Points.TryGetValue(Key(x, y), out key);

    public static void Add(byte[] x, byte[] y, KeyObject key)
    {
        if (Points.Count >= Capacity)
        {
            Points.Clear();
        }

        Points.TryAdd(Key(x, y), key);
    }

    private static string Key(byte[] x, byte[] y) => Convert.ToBase64String(x) + Convert.ToBase64String(y);
}
