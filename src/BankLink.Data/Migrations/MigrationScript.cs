using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace BankLink.Data.Migrations;

/// <summary>One versioned, append-only schema script: <c>NNNN_description.sql</c>.</summary>
public sealed partial record MigrationScript(int Version, string Description, string Sql)
{
    /// <summary>SHA-256 of the script with line endings normalised, so a git checkout with CRLF is not an edit.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    public string Name => $"{Version:D4}_{Description}";

    /// <summary>The scripts compiled into BankLink.Data, in version order.</summary>
    public static IReadOnlyList<MigrationScript> Embedded { get; } = LoadEmbedded();

    public static MigrationScript FromFileName(string fileName, string sql)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new InvalidOperationException($"Migration script '{fileName}' is not named NNNN_description.sql.");
        }

        return new MigrationScript(int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), match.Groups["description"].Value, sql);
    }

    private static List<MigrationScript> LoadEmbedded()
    {
        const string prefix = "BankLink.Data.Migrations.";
        var assembly = typeof(MigrationScript).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => FromFileName(n[prefix.Length..], ReadResource(assembly, n)))
            .OrderBy(s => s.Version)
            .ToList();

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null
            ? scripts
            : throw new InvalidOperationException($"Two migration scripts share version {duplicate.Key}: {string.Join(", ", duplicate.Select(s => s.Name))}.");
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<description>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
