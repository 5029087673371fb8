namespace BankLink.Protocol.Primitives;

/// <summary>
/// The longest value BankLink accepts for each request parameter (STYLE.md 7): checked before any lookup,
/// so oversized input never reaches the database or a parser.
/// </summary>
public static class InputLimits
{
    public const int Default = 512;

    private static readonly Dictionary<string, int> PerParameter = new(StringComparer.Ordinal)
    {
        [ProtocolConstants.Parameters.ClientAssertion] = 16 * 1024,
        [ProtocolConstants.Parameters.RedirectUri] = 2_000,
        [ProtocolConstants.Parameters.State] = 1_000,
        [ProtocolConstants.Parameters.Nonce] = 255,
        [ProtocolConstants.Parameters.LoginHint] = 64,
        [ProtocolConstants.Parameters.Request] = 16 * 1024,
    };

    public static int For(string parameter) => PerParameter.GetValueOrDefault(parameter, Default);
}
