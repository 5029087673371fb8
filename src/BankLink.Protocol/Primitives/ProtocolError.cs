namespace BankLink.Protocol.Primitives;

/// <summary>
/// A refusal as the client sees it (STYLE.md 4 and 5): the RFC error code, a stable id, a printable-ASCII
/// description (RFC 6749 §5.2) that says what to do, and a developer-docs page. The specific internal
/// cause goes to the log, not here.
/// </summary>
public sealed record ProtocolError(string Error, string Id, string Description)
{
    public const string DocumentationBase = "https://developer.banklink.example/errors/";

    public string Uri => DocumentationBase + Id;
}
