using System.Text.Encodings.Web;
using System.Text.Json;

namespace BankLink.Jose;

/// <summary>How this module writes JSON: compact, and without HTML-safety escaping.</summary>
internal static class JoseJson
{
    /// <summary>
    /// The default encoder escapes HTML-sensitive characters, which turns "dpop+jwt" into "dpop\u002Bjwt" and
    /// Japanese claim values into \u sequences. Both are valid JSON, but some recipients compare "typ" as raw
    /// text. JOSE JSON is base64url-encoded and never placed in HTML, so the relaxed encoder is safe here;
    /// it still escapes quotes, backslashes and control characters as RFC 8259 §7 requires.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
