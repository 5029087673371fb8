namespace BankLink.Protocol.Primitives;

/// <summary>
/// The parameters of a protocol request (form body or query string), kept with every value so that a
/// parameter sent twice can be refused (RFC 6749 §3.1 and §3.2: "Request and response parameters MUST
/// NOT be included more than once").
/// </summary>
public sealed class ProtocolRequest
{
    private readonly Dictionary<string, List<string>> _values;

    private ProtocolRequest(Dictionary<string, List<string>> values) => _values = values;

    public static ProtocolRequest FromPairs(IEnumerable<KeyValuePair<string, string?>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }

            list.Add(value ?? "");
        }

        return new ProtocolRequest(values);
    }

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Parameters that arrived more than once.</summary>
    public IEnumerable<string> Duplicated => _values.Where(kv => kv.Value.Count > 1).Select(kv => kv.Key);

    /// <summary>
    /// The parameter's single value; null when absent. RFC 6749 §3.1: a parameter sent without a value
    /// is treated as omitted. Call after duplicates were refused.
    /// </summary>
    public string? Get(string name) =>
        _values.TryGetValue(name, out var list) && list.Count > 0 && list[0].Length > 0 ? list[0] : null;

    /// <summary>Keeps only the parameters an endpoint knows (RFC 6749 §3.1: unknown ones MUST be ignored).</summary>
    public ProtocolRequest OnlyAllowed(IReadOnlySet<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        return new ProtocolRequest(_values.Where(kv => allowed.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));
    }
}
