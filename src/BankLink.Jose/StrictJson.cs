using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace BankLink.Jose;

/// <summary>What a strict JSON parse found wrong, if anything.</summary>
internal enum StrictJsonOutcome
{
    Malformed,
    DuplicateMember,
    Ok,
}

/// <summary>
/// Parses the JSON this module reads (headers, keys, key sets, DPoP claims) with no comments, no trailing
/// commas, a depth limit, strings that decode to valid Unicode, and no member name twice in any object.
/// RFC 7515 §4 and RFC 7519 §4 let a parser either reject duplicate names or keep the last one; keeping one
/// means two parsers can read two different tokens from the same bytes, so we reject.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = JoseLimits.MaxJsonDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static StrictJsonOutcome TryParse(string json, out JsonElement root)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException)
        {
            // A lone surrogate in the input string: no UTF-8 exists for it, so it is not JSON text (RFC 8259 §8.1).
            root = default;
            return StrictJsonOutcome.Malformed;
        }

        return TryParse(utf8, out root);
    }

    public static StrictJsonOutcome TryParse(ReadOnlyMemory<byte> utf8, out JsonElement root)
    {
        root = default;
        try
        {
            using var document = JsonDocument.Parse(utf8, Options);
            var outcome = Check(document.RootElement);
            if (outcome == StrictJsonOutcome.Ok)
            {
                root = document.RootElement.Clone();
            }

            return outcome;
        }
        catch (JsonException)
        {
            return StrictJsonOutcome.Malformed;
        }
    }

    /// <summary>
    /// Walks an element that may have been parsed elsewhere (a "jwks" member of client metadata) with the
    /// same rules. Every name and string is decoded once here, so later reads cannot throw.
    /// </summary>
    public static StrictJsonOutcome Check(JsonElement element)
    {
        try
        {
            return Walk(element, depth: 0);
        }
        catch (InvalidOperationException)
        {
            // JsonElement throws this for strings that are not valid UTF-8 or contain a lone surrogate escape.
            return StrictJsonOutcome.Malformed;
        }
    }

    private static StrictJsonOutcome Walk(JsonElement element, int depth)
    {
        if (depth > JoseLimits.MaxJsonDepth)
        {
            return StrictJsonOutcome.Malformed;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    // Names are compared after unescaping, so "al\u0067" and "alg" are the same member.
                    if (!names.Add(member.Name))
                    {
                        return StrictJsonOutcome.DuplicateMember;
                    }

                    var outcome = Walk(member.Value, depth + 1);
                    if (outcome != StrictJsonOutcome.Ok)
                    {
                        return outcome;
                    }
                }

                return StrictJsonOutcome.Ok;

            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    var outcome = Walk(item, depth + 1);
                    if (outcome != StrictJsonOutcome.Ok)
                    {
                        return outcome;
                    }
                }

                return StrictJsonOutcome.Ok;

            case JsonValueKind.String:
                _ = element.GetString();
                return StrictJsonOutcome.Ok;

            default:
                return StrictJsonOutcome.Ok;
        }
    }

    /// <summary>The UTF-8 length of an element's JSON text, read without copying it.</summary>
    public static int RawLength(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? 0 : JsonMarshal.GetRawUtf8Value(element).Length;

    /// <summary>
    /// Reads an optional string member: absent is fine, present must be a string no longer than
    /// <paramref name="maxLength"/>. Returns false when present with the wrong type or length.
    /// </summary>
    public static bool TryGetOptionalString(JsonElement obj, string name, int maxLength, out string? value)
    {
        value = null;
        if (!obj.TryGetProperty(name, out var member))
        {
            return true;
        }

        if (member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = member.GetString()!;
        return value.Length <= maxLength;
    }
}
