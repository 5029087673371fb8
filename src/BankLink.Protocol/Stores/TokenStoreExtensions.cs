using BankLink.Protocol.Tokens;

namespace BankLink.Protocol.Stores;

/// <summary>Finding the token a request presents: its shape is checked before the database is asked (STYLE.md 7).</summary>
public static class TokenStoreExtensions
{
    /// <summary>
    /// The stored token for <paramref name="presented"/>, or null when it is not the shape of one of
    /// <paramref name="kinds"/> (so a forged, truncated or oversized value never reaches the database) or unknown.
    /// </summary>
    public static async Task<StoredToken?> FindPresentedAsync(this ITokenStore tokens, string? presented, CancellationToken cancellationToken, params TokenKind[] kinds)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return presented is not null && kinds.Any(kind => OpaqueToken.IsWellFormed(presented, kind))
            ? await tokens.FindByHashAsync(OpaqueToken.Hash(presented), cancellationToken)
            : null;
    }
}
