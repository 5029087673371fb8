using System.Text.Json.Nodes;

namespace BankLink.Protocol.Stores;

/// <summary>A registered OAuth client as the engine needs it.</summary>
/// <param name="Metadata">The validated metadata as registered (RFC 7591 §2), echoed by reads (RFC 7592 §2.1).</param>
public sealed record RegisteredClient(
    string ClientId,
    Guid ProviderId,
    string RegisteredWith,
    string Profile,
    string TokenEndpointAuthMethod,
    JsonObject Metadata,
    DateTimeOffset CreatedAt)
{
    /// <summary>SHA-256 of the client_secret of a client_secret_basic client; null otherwise.</summary>
    public byte[]? ClientSecretHash { get; init; }

    /// <summary>The scopes the client registered (RFC 7591 §2 scope).</summary>
    public IReadOnlySet<string> RegisteredScopes =>
        (Metadata[Primitives.ProtocolConstants.Parameters.Scope]?.GetValue<string>() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>True when the client registered <paramref name="grantType"/> (RFC 7591 §2 grant_types).</summary>
    public bool Registers(string grantType) =>
        Metadata[Primitives.ProtocolConstants.Parameters.GrantTypes] is JsonArray registered && registered.Any(g => g?.GetValue<string>() == grantType);
}

/// <summary>What creating a client stores: never a usable secret, only hashes.</summary>
public sealed record NewClient(
    string ClientId,
    Guid ProviderId,
    string RegisteredWith,
    string Profile,
    string TokenEndpointAuthMethod,
    JsonObject Metadata,
    byte[]? ClientSecretHash,
    byte[] RegistrationAccessTokenHash,
    DateTimeOffset CreatedAt);

/// <summary>Persistence of registered clients (OpenIddict's "applications").</summary>
public interface IClientStore
{
    Task CreateAsync(NewClient client, CancellationToken cancellationToken);

    /// <summary>The active client whose registration access token hashes to <paramref name="registrationAccessTokenHash"/>.</summary>
    Task<RegisteredClient?> FindByRegistrationAccessTokenAsync(string clientId, byte[] registrationAccessTokenHash, CancellationToken cancellationToken);

    Task<RegisteredClient?> FindAsync(string clientId, CancellationToken cancellationToken);

    /// <summary>Replaces the registered metadata (RFC 7592 §2.2).</summary>
    Task UpdateMetadataAsync(string clientId, JsonObject metadata, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the client deleted (RFC 7592 §2.3); it is kept for the audit trail, never reused.</summary>
    Task DeleteAsync(string clientId, DateTimeOffset now, CancellationToken cancellationToken);
}
