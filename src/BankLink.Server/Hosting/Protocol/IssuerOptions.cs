namespace BankLink.Server.Hosting.Protocol;

/// <summary>The authorization server's issuer identifier (RFC 8414 §2): an https URL in production, the base of every endpoint.</summary>
public sealed class IssuerOptions
{
    public const string SectionName = "BankLink";

    public string Issuer { get; set; } = "http://127.0.0.1:5080";

    /// <summary>An endpoint's public URI: what DPoP proofs name as htu, whatever Host header a proxy forwards.</summary>
    public Uri EndpointUri(string path) => new(Issuer.TrimEnd('/') + path);
}
