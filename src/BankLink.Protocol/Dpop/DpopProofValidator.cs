using BankLink.Jose;
using BankLink.Protocol.Primitives;
using BankLink.Protocol.Stores;

namespace BankLink.Protocol.Dpop;

/// <summary>
/// Checks a DPoP proof (RFC 9449 §4.3) for the request it came with: one proof, well formed and signed by
/// the public key in its header (the JOSE module), for this method and URI, fresh, never seen before by any
/// node, carrying the server nonce when nonces are required, the access token's hash at a resource, and
/// signed by the key the token or request is bound to.
/// </summary>
public sealed class DpopProofValidator(IReplayCache replayCache, IDpopNonces nonces, TimeProvider clock)
{
    /// <summary>How old a proof may be: long enough for a slow network, short enough that a stolen proof is soon worthless.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>How far a client's clock may run ahead.</summary>
    public static readonly TimeSpan MaxClockAhead = TimeSpan.FromSeconds(10);

    /// <summary>Checks the proof and records its jti: the whole of RFC 9449 §4.3.</summary>
    public async Task<(ValidatedDpopProof? Proof, ProtocolError? Error, string? Detail)> ValidateAsync(DpopRequest request, CancellationToken cancellationToken)
    {
        var (proof, error, detail) = Verify(request);
        if (proof is not null && !await replayCache.TryUseAsync(proof.Use, cancellationToken))
        {
            return Replayed(proof);
        }

        return (proof, error, detail);
    }

    /// <summary>The refusal of a proof whose jti was used before (RFC 9449 §11.1).</summary>
    public static (ValidatedDpopProof? Proof, ProtocolError? Error, string? Detail) Replayed(ValidatedDpopProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return Fail(ErrorCatalogue.DpopProofReplayed, "jti replayed for key " + proof.JwkThumbprint);
    }

    /// <summary>
    /// Everything but recording the proof's jti, which is left in <see cref="ValidatedDpopProof.Use"/> for the
    /// caller to record with the request's other one-time values (see <see cref="Endpoints.Shared.RecordOneTimeUses{TContext}"/>).
    /// Recording comes last, so that a proof refused for another reason does not use up its jti (RFC 9449 §11.1).
    /// </summary>
    public (ValidatedDpopProof? Proof, ProtocolError? Error, string? Detail) Verify(DpopRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ProofHeaders.Count != 1)
        {
            return Fail(ErrorCatalogue.DpopProofMissing, $"{request.ProofHeaders.Count} DPoP headers");
        }

        // FAPI 2.0 §5.4.1: PS256 or ES256 only, whatever the client's profile.
        if (!DpopProof.TryRead(request.ProofHeaders[0], JwsAlgorithms.Fapi2, out var proof, out var failure))
        {
            return Fail(ErrorCatalogue.DpopProofInvalid, "proof unreadable: " + failure);
        }

        if (!string.Equals(proof.Htm, request.Method, StringComparison.Ordinal) || !HtuMatches(proof.Htu, request.Uri))
        {
            return Fail(ErrorCatalogue.DpopProofWrongRequest, $"htm {proof.Htm} htu {proof.Htu} for {request.Method} {request.Uri.GetLeftPart(UriPartial.Path)}");
        }

        var now = clock.GetUtcNow();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(proof.Iat, 0, 253402300799));
        if (issuedAt < now - MaxAge || issuedAt > now + MaxClockAhead)
        {
            return Fail(ErrorCatalogue.DpopProofStale, $"iat {issuedAt:O} at {now:O}");
        }

        if (nonces.Required && !nonces.IsValid(proof.Nonce))
        {
            return Fail(ErrorCatalogue.DpopNonceRequired, proof.Nonce is null ? "no nonce" : "stale or foreign nonce");
        }

        if (request.AccessToken is not null && !proof.MatchesAccessToken(request.AccessToken))
        {
            return Fail(ErrorCatalogue.DpopProofAccessTokenMismatch, proof.Ath is null ? "no ath" : "ath differs");
        }

        if (request.BoundThumbprint is not null && !string.Equals(request.BoundThumbprint, proof.JwkThumbprint, StringComparison.Ordinal))
        {
            return Fail(ErrorCatalogue.DpopKeyMismatch, "jkt " + proof.JwkThumbprint + " is not the bound key");
        }

        return (new ValidatedDpopProof(proof.JwkThumbprint, new OneTimeUse("dpop", proof.JwkThumbprint, proof.Jti, issuedAt + MaxAge + MaxClockAhead)), null, null);
    }

    /// <summary>RFC 9449 §4.3 item 9: compare without query and fragment, with scheme and host normalised (RFC 3986 §6.2.2).</summary>
    internal static bool HtuMatches(string htu, Uri requestUri)
    {
        if (!Uri.TryCreate(htu, UriKind.Absolute, out var claimed) || !string.IsNullOrEmpty(claimed.UserInfo))
        {
            return false;
        }

        return string.Equals(claimed.GetLeftPart(UriPartial.Path), requestUri.GetLeftPart(UriPartial.Path), StringComparison.Ordinal);
    }

    private static (ValidatedDpopProof?, ProtocolError?, string?) Fail(ProtocolError error, string detail) => (null, error, detail);
}
