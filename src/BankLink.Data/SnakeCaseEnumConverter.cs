using System.Collections.Frozen;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BankLink.Data;

/// <summary>Stores enums as the snake_case strings the schema's CHECK constraints list (CardLoan ↔ card_loan).</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    value => EnumNames.ToDatabase(value),
    text => EnumNames.FromDatabase<TEnum>(text))
    where TEnum : struct, Enum;

/// <summary>The stored snake_case form of enum values, for EF Core, raw SQL and COPY alike.</summary>
public static class EnumNames
{
    public static string ToDatabase<TEnum>(TEnum value) where TEnum : struct, Enum => Names<TEnum>.ToDatabase[value];

    public static TEnum FromDatabase<TEnum>(string text) where TEnum : struct, Enum =>
        Names<TEnum>.FromDatabase.TryGetValue(text, out var value)
            ? value
            : throw new InvalidOperationException($"'{text}' is not a stored {typeof(TEnum).Name}."); // fail closed on unknown states

    private static string ToSnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(pascal[i]));
        }

        return builder.ToString();
    }

    private static class Names<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ToDatabase =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => ToSnakeCase(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> FromDatabase =
            ToDatabase.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);
    }
}
