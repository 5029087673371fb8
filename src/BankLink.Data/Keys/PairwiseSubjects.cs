using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using BankLink.Protocol.Stores;

namespace BankLink.Data.Keys;

/// <summary>sub = base64url(HMAC-SHA256(server key, provider id | customer id)): stable, per provider, not reversible without the key.</summary>
public sealed class PairwiseSubjects(ServerSecrets secrets) : IPairwiseSubjects
{
    public async Task<string> ForAsync(Guid providerId, Guid customerId, CancellationToken cancellationToken)
    {
        var key = await secrets.GetAsync("pairwise_subject", cancellationToken);
        return Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{providerId:N}|{customerId:N}")));
    }
}
