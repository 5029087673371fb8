namespace BankLink.Protocol.Dpop;

/// <summary>What a DPoP proof is checked against: the HTTP request it came with, and what it must be bound to.</summary>
/// <param name="ProofHeaders">Every DPoP header value of the request (RFC 9449 §4.3 item 1: exactly one).</param>
/// <param name="Method">The request's HTTP method.</param>
/// <param name="Uri">The request's absolute URI as the server's public address (scheme, host, port, path).</param>
/// <param name="AccessToken">At a resource (RFC 9449 §7.1): the access token, whose hash the proof's ath must carry.</param>
/// <param name="BoundThumbprint">The key the request is bound to (cnf.jkt of a token, dpop_jkt of PAR); null when any key may start a binding.</param>
public sealed record DpopRequest(
    IReadOnlyList<string> ProofHeaders,
    string Method,
    Uri Uri,
    string? AccessToken = null,
    string? BoundThumbprint = null);

/// <summary>
/// A proof that passed every check: its key's thumbprint is what tokens get bound to (cnf.jkt); <see cref="Use"/>
/// is its jti, to record once.
/// </summary>
public sealed record ValidatedDpopProof(string JwkThumbprint, Stores.OneTimeUse Use);
