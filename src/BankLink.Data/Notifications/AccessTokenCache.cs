using System.Collections.Concurrent;
using BankLink.Protocol.Stores;
using Microsoft.Extensions.Options;

namespace BankLink.Data.Notifications;

/// <summary><c>BankLink:TokenCache</c>: how long a node may answer from memory for an access token it has read.</summary>
public sealed class AccessTokenCacheOptions
{
    public const string SectionName = "BankLink:TokenCache";

    /// <summary>
    /// The longest an entry is used without reading PostgreSQL again, a bound on staleness should a notification
    /// ever be missed while the listener believed itself connected; zero turns the cache off.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>At most this many tokens are remembered; beyond it, new ones are read from PostgreSQL every time.</summary>
    public int MaxEntries { get; set; } = 100_000;
}

/// <summary>
/// Live access tokens as the resource API last read them (the token, its grant, the grant's accounts, provider and
/// client), so that a provider's next read does not query PostgreSQL again. Revocation still takes effect on every
/// node at once (ARCHITECTURE.md): every change that can stop a token notifies all nodes
/// (<see cref="TokenStateFeed"/>, triggers of migration 0016), and an entry naming what changed is dropped
/// the moment the notification arrives. The cache is used only while this node is listening; when the listener's
/// connection is lost it is emptied and bypassed until the listener is back (notifications sent meanwhile are lost).
/// Only usable tokens are kept; each for at most <see cref="AccessTokenCacheOptions.MaxAge"/> and never past its
/// token's or grant's expiry.
/// </summary>
public sealed class AccessTokenCache(IOptions<AccessTokenCacheOptions> options, TimeProvider clock)
{
    private sealed record Entry(StoredToken Token, DateTimeOffset UsableUntil);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _changes = new();
    private readonly TimeSpan _maxAge = options.Value.MaxAge;
    private readonly int _maxEntries = options.Value.MaxEntries;
    private long _generation;
    private volatile bool _listening;

    /// <summary>Whether entries are used: the listener is connected and the cache is configured on.</summary>
    public bool IsActive => _listening && _maxAge > TimeSpan.Zero;

    public int Count => _entries.Count;

    /// <summary>
    /// Taken before reading a token from PostgreSQL and handed to <see cref="Remember"/>: a notification that arrives
    /// in between moves it on, and what was read (possibly before the change committed) is then not remembered.
    /// </summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(byte[] tokenHash, out StoredToken? token)
    {
        token = null;
        if (!IsActive || !_entries.TryGetValue(Convert.ToBase64String(tokenHash), out var entry))
        {
            return false;
        }

        if (clock.GetUtcNow() >= entry.UsableUntil)
        {
            _entries.TryRemove(Convert.ToBase64String(tokenHash), out _);
            return false;
        }

        token = entry.Token;
        return true;
    }

    /// <summary>Remembers a token read at <paramref name="generation"/>, if it is a usable access token and nothing changed since.</summary>
    public void Remember(byte[] tokenHash, StoredToken token, long generation)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!IsActive || token is not { Kind: StoredTokenKind.AccessToken, Status: StoredTokenStatus.Active, GrantActive: true }
            || token.Grant is { ProviderAndClientActive: false })
        {
            return;
        }

        var until = Min(clock.GetUtcNow() + _maxAge, token.ExpiresAt);
        if (token.Grant is { } grant)
        {
            until = Min(until, grant.ExpiresAt);
        }

        if (_entries.Count >= _maxEntries)
        {
            DropExpired();
            if (_entries.Count >= _maxEntries)
            {
                return;
            }
        }

        // Under the lock that notifications take: either this entry goes in before a notification's sweep (and is
        // swept), or the notification has moved the generation on and the entry stays out.
        lock (_changes)
        {
            if (_generation == generation)
            {
                _entries[Convert.ToBase64String(tokenHash)] = new Entry(token, until);
            }
        }
    }

    /// <summary>
    /// A notification from <see cref="TokenStateFeed"/>: drops every entry of the token, grant, client or provider
    /// it names (<c>token:&lt;id&gt;</c>, <c>grant:&lt;id&gt;</c>, <c>client:&lt;client_id&gt;</c>, <c>provider:&lt;id&gt;</c>);
    /// anything it does not understand empties the cache.
    /// </summary>
    public void Changed(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var colon = subject.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? "" : subject[..colon];
        var id = colon < 0 ? "" : subject[(colon + 1)..];
        Func<StoredToken, bool>? names = kind switch
        {
            "token" when Guid.TryParse(id, out var tokenId) => t => t.Id == tokenId,
            "grant" when Guid.TryParse(id, out var grantId) => t => t.GrantId == grantId,
            "provider" when Guid.TryParse(id, out var providerId) => t => t.Grant?.ProviderId == providerId,
            "client" => t => string.Equals(t.ClientId, id, StringComparison.Ordinal),
            _ => null,
        };

        lock (_changes)
        {
            _generation++;
            if (names is null)
            {
                _entries.Clear();
                return;
            }

            foreach (var (key, entry) in _entries)
            {
                if (names(entry.Token))
                {
                    _entries.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>The listener is connected (true) or lost (false): either way, what is held may have missed notifications.</summary>
    public void Listening(bool listening)
    {
        lock (_changes)
        {
            _generation++;
            _entries.Clear();
            _listening = listening;
        }
    }

    private void DropExpired()
    {
        var now = clock.GetUtcNow();
        foreach (var (key, entry) in _entries)
        {
            if (now >= entry.UsableUntil)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
