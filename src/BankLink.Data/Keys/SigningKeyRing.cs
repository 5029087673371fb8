using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BankLink.Jose;
using BankLink.Protocol.Stores;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.Data.Keys;

/// <summary>A signing key's row: when it signs and until when it is published.</summary>
public sealed record SigningKeyInfo(string Kid, JwsAlgorithm Algorithm, DateTimeOffset CreatedAt, DateTimeOffset ActiveFrom, DateTimeOffset RetireAt, DateTimeOffset ExpiresAt)
{
    public bool SignsAt(DateTimeOffset now) => ActiveFrom <= now && now < RetireAt;

    public bool IsPublishedAt(DateTimeOffset now) => now < ExpiresAt;
}

/// <summary>
/// The authorization server's signing keys in PostgreSQL (ARCHITECTURE.md "Tokens"): one current key per
/// algorithm, created at first start, rotated on a schedule with the successor published before it signs,
/// and retired keys published until everything they signed has expired. Private keys are stored as PKCS#8
/// encrypted with Data Protection; nodes keep the ring in memory for at most <see cref="SigningKeyOptions.CacheLifetime"/>.
/// </summary>
public sealed partial class SigningKeyRing(
    NpgsqlDataSource dataSource, IDataProtectionProvider dataProtection, TimeProvider clock, IOptions<SigningKeyOptions> options, ILogger<SigningKeyRing> logger)
    : ISigningKeys, IDisposable
{
    /// <summary>Taken while keys are created or rotated, so two nodes never both create a successor.</summary>
    public const long AdvisoryLockKey = 0x424C4B4559530001;

    public static readonly IReadOnlyList<JwsAlgorithm> Algorithms = [JwsAlgorithm.ES256, JwsAlgorithm.PS256, JwsAlgorithm.RS256];

    private readonly IDataProtector _protector = dataProtection.CreateProtector("BankLink.SigningKey.v1");
    private readonly SigningKeyOptions _options = options.Value;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private Snapshot? _snapshot;

    /// <summary>Creates what is missing: a current key for every algorithm, and a successor when rotation is near.</summary>
    /// <returns>The keys created.</returns>
    public async Task<IReadOnlyList<SigningKeyInfo>> EnsureKeysAsync(CancellationToken cancellationToken)
    {
        var created = new List<SigningKeyInfo>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (await AdvisoryLock.AcquireAsync(connection, AdvisoryLockKey, onWait: null, cancellationToken))
        {
            var now = clock.GetUtcNow();
            var keys = await ReadInfoAsync(connection, cancellationToken);
            foreach (var algorithm in Algorithms)
            {
                var ofAlgorithm = keys.Where(k => k.Algorithm == algorithm).ToList();
                var current = ofAlgorithm.Where(k => k.SignsAt(now)).MaxBy(k => k.ActiveFrom);
                var hasSuccessor = ofAlgorithm.Any(k => k.ActiveFrom > now);
                if (current is null && !hasSuccessor)
                {
                    created.Add(await CreateAsync(connection, algorithm, now, cancellationToken));
                }
                else if (current is not null && !hasSuccessor && current.RetireAt - now <= _options.PrepublishPeriod)
                {
                    created.Add(await CreateAsync(connection, algorithm, current.RetireAt, cancellationToken));
                }
            }
        }

        Invalidate(created);
        return created;
    }

    /// <summary>
    /// Rotates now (the <c>signing-keys rotate</c> command): a new key signs from this moment, the current
    /// one retires and stays published until what it signed has expired, and successors prepared by the
    /// schedule (which never signed anything) are dropped.
    /// </summary>
    public async Task<IReadOnlyList<SigningKeyInfo>> RotateNowAsync(IReadOnlyCollection<JwsAlgorithm> algorithms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(algorithms);
        var created = new List<SigningKeyInfo>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (await AdvisoryLock.AcquireAsync(connection, AdvisoryLockKey, onWait: null, cancellationToken))
        {
            var now = clock.GetUtcNow();
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var algorithm in algorithms)
            {
                await using (var dropUpcoming = new NpgsqlCommand("DELETE FROM signing_keys WHERE alg = $1 AND active_from > $2", connection, transaction))
                {
                    dropUpcoming.Parameters.AddWithValue(JwsAlgorithms.GetName(algorithm));
                    dropUpcoming.Parameters.AddWithValue(now);
                    await dropUpcoming.ExecuteNonQueryAsync(cancellationToken);
                }

                // The retiring key stays published for as long as it would have after a scheduled retirement.
                await using (var retire = new NpgsqlCommand("""
                    UPDATE signing_keys SET retire_at = $2, expires_at = $2 + $3
                    WHERE alg = $1 AND active_from <= $2 AND retire_at > $2
                    """, connection, transaction))
                {
                    retire.Parameters.AddWithValue(JwsAlgorithms.GetName(algorithm));
                    retire.Parameters.AddWithValue(now);
                    retire.Parameters.AddWithValue(_options.RetentionAfterRetirement);
                    await retire.ExecuteNonQueryAsync(cancellationToken);
                }

                created.Add(await CreateAsync(connection, algorithm, now, cancellationToken));
            }

            await transaction.CommitAsync(cancellationToken);
        }

        Invalidate(created);
        return created;
    }

    public void Dispose() => _reload.Dispose();

    public async Task<IReadOnlyList<SigningKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadInfoAsync(connection, cancellationToken);
    }

    public async Task<Jwk> GetSigningKeyAsync(JwsAlgorithm algorithm, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var snapshot = await GetSnapshotAsync(cancellationToken);
        var key = snapshot.Keys.Where(k => k.Info.Algorithm == algorithm && k.Info.SignsAt(now)).MaxBy(k => k.Info.ActiveFrom);
        if (key is null)
        {
            // A gap (the database was restored, the schedule did not run): make the key now rather than fail.
            await EnsureKeysAsync(cancellationToken);
            snapshot = await GetSnapshotAsync(cancellationToken);
            key = snapshot.Keys.Where(k => k.Info.Algorithm == algorithm && k.Info.SignsAt(now)).MaxBy(k => k.Info.ActiveFrom)
                ?? throw new InvalidOperationException($"No {algorithm} signing key could be made current.");
        }

        return key.Private.Value;
    }

    public async Task<JwkSet> GetPublishedKeysAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var snapshot = await GetSnapshotAsync(cancellationToken);
        return new JwkSet(snapshot.Keys.Where(k => k.Info.IsPublishedAt(now)).OrderByDescending(k => k.Info.ActiveFrom).Select(k => k.Public));
    }

    private async Task<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var current = _snapshot;
        if (current is not null && clock.GetUtcNow() - current.LoadedAt < _options.CacheLifetime)
        {
            return current;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } fresh && clock.GetUtcNow() - fresh.LoadedAt < _options.CacheLifetime)
            {
                return fresh;
            }

            await using var command = dataSource.CreateCommand("SELECT kid, alg, created_at, active_from, retire_at, expires_at, public_jwk::text, protected_private_jwk FROM signing_keys");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var keys = new List<LoadedKey>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var info = ReadInfo(reader);
                if (!Jwk.TryParse(reader.GetString(6), out var publicKey, out var failure))
                {
                    throw new InvalidOperationException($"Signing key {info.Kid} has an unreadable public JWK ({failure}).");
                }

                var protectedPrivate = reader.GetString(7);
                keys.Add(new LoadedKey(info, publicKey, new Lazy<Jwk>(() => Unprotect(info, protectedPrivate))));
            }

            _snapshot = new Snapshot(clock.GetUtcNow(), keys);
            return _snapshot;
        }
        finally
        {
            _reload.Release();
        }
    }

    private void Invalidate(IReadOnlyList<SigningKeyInfo> created)
    {
        _snapshot = null;
        foreach (var key in created)
        {
            LogCreated(logger, key.Kid, key.Algorithm, key.ActiveFrom, key.RetireAt);
        }
    }

    private async Task<SigningKeyInfo> CreateAsync(NpgsqlConnection connection, JwsAlgorithm algorithm, DateTimeOffset activeFrom, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var name = JwsAlgorithms.GetName(algorithm);
        var kid = $"{name.ToLowerInvariant()}-{activeFrom:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        byte[] pkcs8;
        Jwk publicKey;
        if (algorithm == JwsAlgorithm.ES256)
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            pkcs8 = ec.ExportPkcs8PrivateKey();
            publicKey = Jwk.FromECDsa(ec, kid, includePrivate: false);
        }
        else
        {
            // One RSA key per algorithm: a key is never used with two algorithms (RFC 7517 §4.4 "alg").
            // 2048 bits: FAPI 2.0 §5.4.1's minimum and NIST SP 800-57's through 2030; keys rotate every 90 days.
            using var rsa = RSA.Create(2048);
            pkcs8 = rsa.ExportPkcs8PrivateKey();
            publicKey = Jwk.FromRsa(rsa, kid, includePrivate: false);
        }

        var publicJson = JsonNode.Parse(publicKey.ToPublicJson())!.AsObject();
        publicJson["use"] = "sig";
        publicJson["alg"] = name;
        var info = new SigningKeyInfo(kid, algorithm, now, activeFrom, activeFrom + _options.RotationPeriod,
            activeFrom + _options.RotationPeriod + _options.RetentionAfterRetirement);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO signing_keys (kid, alg, public_jwk, protected_private_jwk, created_at, active_from, retire_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, connection);
        insert.Parameters.AddWithValue(kid);
        insert.Parameters.AddWithValue(name);
        insert.Parameters.Add(new NpgsqlParameter { Value = publicJson.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.AddWithValue(Convert.ToBase64String(_protector.Protect(pkcs8)));
        insert.Parameters.AddWithValue(now);
        insert.Parameters.AddWithValue(info.ActiveFrom);
        insert.Parameters.AddWithValue(info.RetireAt);
        insert.Parameters.AddWithValue(info.ExpiresAt);
        await insert.ExecuteNonQueryAsync(cancellationToken);
        CryptographicOperations.ZeroMemory(pkcs8);
        return info;
    }

    private Jwk Unprotect(SigningKeyInfo info, string protectedPrivate)
    {
        var pkcs8 = _protector.Unprotect(Convert.FromBase64String(protectedPrivate));
        try
        {
            if (info.Algorithm == JwsAlgorithm.ES256)
            {
                using var ec = ECDsa.Create();
                ec.ImportPkcs8PrivateKey(pkcs8, out _);
                return Jwk.FromECDsa(ec, info.Kid, includePrivate: true);
            }

            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return Jwk.FromRsa(rsa, info.Kid, includePrivate: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static async Task<List<SigningKeyInfo>> ReadInfoAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT kid, alg, created_at, active_from, retire_at, expires_at FROM signing_keys ORDER BY alg, active_from", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<SigningKeyInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadInfo(reader));
        }

        return keys;
    }

    private static SigningKeyInfo ReadInfo(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        JwsAlgorithms.TryParse(reader.GetString(1), out var algorithm) ? algorithm : throw new InvalidOperationException("Unknown signing key algorithm " + reader.GetString(1)),
        reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5));

    [LoggerMessage(EventId = 6701, Level = LogLevel.Information, Message = "Signing key {Kid} ({Algorithm}) created: signs from {ActiveFrom:u} until {RetireAt:u}")]
    private static partial void LogCreated(ILogger logger, string kid, JwsAlgorithm algorithm, DateTimeOffset activeFrom, DateTimeOffset retireAt);

    private sealed record LoadedKey(SigningKeyInfo Info, Jwk Public, Lazy<Jwk> Private);

    private sealed record Snapshot(DateTimeOffset LoadedAt, IReadOnlyList<LoadedKey> Keys);
}
