using System.Text.Json.Nodes;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;
using BankLink.Protocol.Tokens;
using static BankLink.Protocol.Primitives.ProtocolConstants;

namespace BankLink.Server.Authorization;

/// <summary>A pushed request the browser brought back, found and checked against its client (RFC 9126 §4).</summary>
public sealed record PendingAuthorization(RegisteredClient Client, PushedRequest Request, byte[] RequestUriHash)
{
    public string RedirectUri => Request.Parameters[Parameters.RedirectUri]!.GetValue<string>();

    public string? State => Request.Parameters[Parameters.State]?.GetValue<string>();

    public string Scope => Request.Parameters[Parameters.Scope]!.GetValue<string>();

    public IReadOnlyList<string> Prompts => (Request.Parameters[Parameters.Prompt]?.GetValue<string>() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public int? MaxAge => Request.Parameters[Parameters.MaxAge]?.GetValue<int>();

    /// <summary>FAPI Grant Management §5.2: create, merge or replace (validated at PAR).</summary>
    public string GrantManagementAction => Request.Parameters[Parameters.GrantManagementAction]?.GetValue<string>() ?? GrantManagementActions.Create;

    /// <summary>For merge and replace: the grant this request updates, as validated at PAR (one of this client's, active then).</summary>
    public Guid? GrantId => Request.Parameters[Parameters.GrantId]?.GetValue<string>() is { } id ? Guid.Parse(id) : null;
}

/// <summary>
/// Finds the pushed request a browser carries (client_id and request_uri only: FAPI 2.0 §5.3.2.2 takes no
/// other authorization parameters from the front channel) and builds the redirects back to the client.
/// </summary>
public sealed class AuthorizationRequests(IClientStore clients, IPushedRequestStore pushed, TimeProvider clock)
{
    /// <summary>What the customer reads when the link the app sent them to is unknown, used or expired.</summary>
    public const string InvalidLinkMessage =
        "This sign-in link is not valid or has expired. Please return to the app and start again. / このリンクは無効か期限切れです。アプリに戻ってやり直してください。";

    /// <summary>The pending request, or null when client and request_uri do not make a live pair (shown as an error page, never redirected).</summary>
    public async Task<PendingAuthorization?> FindAsync(string? clientId, string? requestUri, CancellationToken cancellationToken)
    {
        if (clientId is not { Length: > 0 and <= 64 } || requestUri is null || !requestUri.StartsWith(RequestUriPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var reference = requestUri[RequestUriPrefix.Length..];
        if (!OpaqueToken.IsWellFormed(reference, TokenKind.RequestUri))
        {
            return null;
        }

        var client = await clients.FindAsync(clientId, cancellationToken);
        var hash = OpaqueToken.Hash(reference);
        var request = client is null ? null : await pushed.FindUsableAsync(hash, clock.GetUtcNow(), cancellationToken);
        return request is not null && request.ClientId == client!.ClientId ? new PendingAuthorization(client, request, hash) : null;
    }

    /// <summary>The authorization response (RFC 6749 §4.1.2, §4.1.2.1) with iss (RFC 9207), on the validated redirect_uri only.</summary>
    public static string Redirect(PendingAuthorization pending, string issuer, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var all = parameters.ToList();
        if (pending.State is { } state)
        {
            all.Add(new(Parameters.State, state));
        }

        all.Add(new("iss", issuer));
        var query = string.Join('&', all.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return pending.RedirectUri + (pending.RedirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }

    public static string AuthorizePath(string clientId, string requestUri) =>
        $"/connect/authorize?client_id={Uri.EscapeDataString(clientId)}&request_uri={Uri.EscapeDataString(requestUri)}";

    public static string ConsentPath(string clientId, string requestUri) =>
        $"/consent?client_id={Uri.EscapeDataString(clientId)}&request_uri={Uri.EscapeDataString(requestUri)}";

    /// <summary>RFC 6749 §4.1.2.1 error on the redirect, for when client and redirect_uri are trusted.</summary>
    public static string ErrorRedirect(PendingAuthorization pending, string issuer, string error, string description) =>
        Redirect(pending, issuer, [new("error", error), new("error_description", description)]);

    /// <summary>RFC 6749 §4.1.2.1 error on the redirect, from the catalogue: error, error_description and error_uri.</summary>
    public static string ErrorRedirect(PendingAuthorization pending, string issuer, ProtocolError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Redirect(pending, issuer, [new(Parameters.Error, error.Error), new(Parameters.ErrorDescription, error.Description), new(Parameters.ErrorUri, error.Uri)]);
    }

    public static JsonObject CodePayload(PendingAuthorization pending, CustomerLogin login)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var payload = new JsonObject
        {
            [Parameters.RedirectUri] = pending.RedirectUri,
            [Parameters.CodeChallenge] = pending.Request.Parameters[Parameters.CodeChallenge]!.GetValue<string>(),
            ["auth_time"] = login.AuthTime.ToUnixTimeSeconds(),
            ["amr"] = new JsonArray([.. login.Amr.Select(method => (JsonNode)method)]),
        };
        foreach (var name in new[] { Parameters.Nonce, Parameters.DpopJkt })
        {
            if (pending.Request.Parameters[name]?.GetValue<string>() is { } value)
            {
                payload[name] = value;
            }
        }

        return payload;
    }
}
