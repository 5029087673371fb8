using System.Security.Cryptography;

namespace BankLink.Jose;

/// <summary>
/// The one place where a <see cref="JwsAlgorithm"/> becomes a .NET signature call (RFC 7518 §3). Callers have
/// already checked that the key fits the algorithm; the checks here repeat it, so a missed check upstream
/// still fails closed.
/// </summary>
internal static class JwsSignature
{
    /// <summary>RFC 7518 §3.4: the JWS form of an ES256 signature is R || S, 32 octets each (IEEE P1363), not DER.</summary>
    public const int Es256SignatureBytes = 64;

    public static byte[] Sign(JwsAlgorithm algorithm, Jwk key, ReadOnlySpan<byte> signingInput)
    {
        if (!key.IsPrivate || !key.IsCompatibleWith(algorithm))
        {
            throw new ArgumentException($"{key} cannot sign {algorithm}.", nameof(key));
        }

        switch (algorithm)
        {
            case JwsAlgorithm.ES256:
                return key.WithKey(static (dotnetKey, input) => ((ECDsa)dotnetKey).SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), signingInput.ToArray());

            case JwsAlgorithm.PS256:
            case JwsAlgorithm.RS256:
                return key.WithKey(static (dotnetKey, state) => ((RSA)dotnetKey).SignData(state.Input, HashAlgorithmName.SHA256, Padding(state.Algorithm)), (Input: signingInput.ToArray(), Algorithm: algorithm));

            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not a JWS algorithm BankLink implements.");
        }
    }

    public static bool Verify(JwsAlgorithm algorithm, Jwk key, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (!key.IsCompatibleWith(algorithm))
        {
            return false;
        }

        try
        {
            switch (algorithm)
            {
                case JwsAlgorithm.ES256:
                    if (signature.Length != Es256SignatureBytes)
                    {
                        return false;
                    }

                    return key.WithKey(
                        static (dotnetKey, state) => ((ECDsa)dotnetKey).VerifyData(state.Input, state.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                        (Input: signingInput.ToArray(), Signature: signature.ToArray()));

                case JwsAlgorithm.PS256:
                case JwsAlgorithm.RS256:
                    // RFC 8017 §8.1.2 / §8.2.2: the signature is exactly as long as the modulus.
                    if (signature.Length != (key.KeySizeBits + 7) / 8)
                    {
                        return false;
                    }

                    // For PSS, .NET verifies with salt length = hash length (32), which is what RFC 7518 §3.5 specifies.
                    return key.WithKey(
                        static (dotnetKey, state) => ((RSA)dotnetKey).VerifyData(state.Input, state.Signature, HashAlgorithmName.SHA256, Padding(state.Algorithm)),
                        (Input: signingInput.ToArray(), Signature: signature.ToArray(), Algorithm: algorithm));

                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static RSASignaturePadding Padding(JwsAlgorithm algorithm) =>
        algorithm == JwsAlgorithm.PS256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
}
