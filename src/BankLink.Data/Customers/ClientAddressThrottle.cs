using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using BankLink.Data.Keys;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BankLink.Data.Customers;

/// <summary>
/// Refuses a client address that failed too often in the current fixed window, before any customer's
/// counter is touched: someone who knows login IDs cannot stop customers in bulk from one address
/// (README "Lockout"). Counts live in PostgreSQL so every node sees the same window.
/// </summary>
public sealed class ClientAddressThrottle(
    NpgsqlDataSource dataSource, ServerSecrets secrets, IOptions<CustomerSecurityOptions> options, TimeProvider clock)
{
    private const string SecretName = "login-throttle-address";

    /// <summary>An HMAC of the address (IPv6 by its /64, what one subscriber holds): never the address itself.</summary>
    public async Task<byte[]> HashAsync(IPAddress? address, CancellationToken cancellationToken)
    {
        var key = await secrets.GetAsync(SecretName, cancellationToken);
        return HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(Bucket(address)));
    }

    public async Task<bool> IsThrottledAsync(byte[] addressHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT failures FROM login_throttle WHERE address_hash = $1 AND window_start = $2");
        command.Parameters.AddWithValue(addressHash);
        command.Parameters.AddWithValue(CurrentWindowStart());
        var failures = await command.ExecuteScalarAsync(cancellationToken) as int?;
        return failures >= options.Value.AddressFailureLimit;
    }

    /// <summary>Counts one failure in the caller's transaction, and forgets this address's earlier windows.</summary>
    public async Task RecordFailureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, byte[] addressHash, CancellationToken cancellationToken)
    {
        var window = CurrentWindowStart();
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO login_throttle (address_hash, window_start, failures) VALUES ($1, $2, 1)
                    ON CONFLICT (address_hash, window_start) DO UPDATE SET failures = login_throttle.failures + 1
                    """) { Parameters = { new() { Value = addressHash }, new() { Value = window } } },
                new NpgsqlBatchCommand("DELETE FROM login_throttle WHERE address_hash = $1 AND window_start < $2")
                {
                    Parameters = { new() { Value = addressHash }, new() { Value = window } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private DateTimeOffset CurrentWindowStart()
    {
        var window = (long)options.Value.AddressWindow.TotalSeconds;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return DateTimeOffset.FromUnixTimeSeconds(now - (now % window));
    }

    /// <summary>
    /// The unit an attacker pays for: one IPv4 address, or one IPv6 /64 (a single subscriber usually holds
    /// a whole /64, so counting single IPv6 addresses would throttle nothing).
    /// </summary>
    public static string Bucket(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
