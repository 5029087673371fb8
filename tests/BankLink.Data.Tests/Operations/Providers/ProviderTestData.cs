using BankLink.Data.Operations;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using BankLink.Testing;

namespace BankLink.Data.Tests.Operations.Providers;

/// <summary>Rows the provider-side operation tests need: operators, clients, grants and tokens of the sandbox provider.</summary>
internal static class ProviderTestData
{
    public static readonly OperatorActor Admin = new(Guid.NewGuid(), "admin.sato", OperatorRole.Admin);
    public static readonly OperatorActor Operator = new(Guid.NewGuid(), "operator.ito", OperatorRole.Operator);
    public static readonly OperatorActor Viewer = new(Guid.NewGuid(), "viewer.kato", OperatorRole.Viewer);
    public static readonly OperatorActor Nobody = new(Guid.NewGuid(), "nobody", 0);

    public const string Reason = "Ticket OPS-1234: provider reported a key compromise";

    /// <summary>A registered client of <paramref name="providerId"/> (the sandbox provider by default), with the onboarding token it used.</summary>
    public static async Task<string> ClientAsync(TestDatabase database, Guid? providerId = null, string status = "active", string? name = "家計簿アプリ")
    {
        var provider = providerId ?? SandboxProvider.Id;
        var clientId = "c" + Guid.NewGuid().ToString("N")[..12];
        var onboarding = Guid.NewGuid().ToString("N")[..8];
        await database.ExecuteAsync("""
            INSERT INTO onboarding_tokens (id, provider_id, person_name, token_hash, status, created_at, expires_at, issued_by)
            VALUES ($1, $2, 'p', sha256($1::bytea), 'active', now(), now() + interval '60 days', 't')
            """, onboarding, provider);
        await database.ExecuteAsync("""
            INSERT INTO clients (client_id, provider_id, registered_with, profile, token_endpoint_auth_method, registration_access_token_hash, metadata, status, created_at, updated_at)
            VALUES ($1, $2, $3, 'fapi2', 'private_key_jwt', sha256($1::bytea), $4::jsonb, $5, now(), now())
            """, clientId, provider, onboarding, name is null ? "{}" : $$"""{"client_name": "{{name}}"}""", status);
        return clientId;
    }

    public static Task<Guid> CustomerAsync(TestDatabase database, string loginId = "tanaka01") =>
        database.ScalarAsync<Guid>("SELECT id FROM customers WHERE login_id = $1", loginId);

    /// <summary>A grant (link) written as it would stand: revoked when <paramref name="revokedAt"/> is given.</summary>
    public static async Task<Guid> GrantAsync(TestDatabase database, string clientId, Guid customerId, DateTimeOffset createdAt, DateTimeOffset expiresAt,
        DateTimeOffset? revokedAt = null, Guid? providerId = null)
    {
        var id = Guid.NewGuid();
        await database.ExecuteAsync("""
            INSERT INTO grants (id, client_id, provider_id, customer_id, scope, status, created_at, updated_at, expires_at, revoked_at, revoked_reason)
            VALUES ($1, $2, $3, $4, 'openid balance', CASE WHEN $7::timestamptz IS NULL THEN 'active' ELSE 'revoked' END, $5, $5, $6, $7, CASE WHEN $7::timestamptz IS NULL THEN NULL ELSE 'test' END)
            """, id, clientId, providerId ?? SandboxProvider.Id, customerId, createdAt, expiresAt, (object?)revokedAt ?? DBNull.Value);
        return id;
    }

    /// <summary>A token written through the token store; returns its id and the hash a lookup uses.</summary>
    public static async Task<(Guid Id, byte[] Hash)> TokenAsync(ITokenStore tokens, string clientId, Guid? grantId, StoredTokenKind kind,
        DateTimeOffset createdAt, TimeSpan lifetime)
    {
        var tokenKind = kind switch
        {
            StoredTokenKind.AccessToken => TokenKind.AccessToken,
            StoredTokenKind.RefreshToken => TokenKind.RefreshToken,
            _ => TokenKind.AuthorizationCode,
        };
        var hash = OpaqueToken.Hash(OpaqueToken.Create(tokenKind));
        var token = new StoredToken(Guid.NewGuid(), kind, clientId, grantId, "sub", "openid balance", kind == StoredTokenKind.AuthorizationCode ? null : "jkt",
            StoredTokenStatus.Active, createdAt, createdAt + lifetime);
        await tokens.CreateAsync(token, hash, CancellationToken.None);
        return (token.Id, hash);
    }
}
