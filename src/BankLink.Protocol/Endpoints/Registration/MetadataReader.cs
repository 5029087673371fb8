using System.Text.Json;

namespace BankLink.Protocol.Endpoints.Registration;

/// <summary>Typed reads of RFC 7591 §2 metadata members: absent, or exactly the JSON type the RFC gives it.</summary>
internal static class MetadataReader
{
    public const int MaxStringLength = 2_000;
    public const int MaxArrayItems = 10;

    /// <summary>False when the member is there but not a string (or empty, or too long).</summary>
    public static bool TryGetString(JsonElement request, string name, out string? value, int maxLength = MaxStringLength)
    {
        value = null;
        if (!request.TryGetProperty(name, out var member))
        {
            return true;
        }

        if (member.ValueKind != JsonValueKind.String || member.GetString() is not { Length: > 0 } text || text.Length > maxLength)
        {
            return false;
        }

        value = text;
        return true;
    }

    /// <summary>False when the member is there but not an array of 1..<paramref name="maxItems"/> non-empty strings.</summary>
    public static bool TryGetStringArray(JsonElement request, string name, out IReadOnlyList<string>? values, int maxItems = MaxArrayItems, int maxLength = MaxStringLength)
    {
        values = null;
        if (!request.TryGetProperty(name, out var member))
        {
            return true;
        }

        if (member.ValueKind != JsonValueKind.Array || member.GetArrayLength() is 0 || member.GetArrayLength() > maxItems)
        {
            return false;
        }

        var list = new List<string>();
        foreach (var item in member.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } text || text.Length > maxLength)
            {
                return false;
            }

            list.Add(text);
        }

        values = list;
        return true;
    }
}
