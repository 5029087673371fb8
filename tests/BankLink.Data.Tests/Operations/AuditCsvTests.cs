using System.Text;
using System.Text.Json.Nodes;
using BankLink.Data.Operations.Audit;

namespace BankLink.Data.Tests.Operations;

/// <summary>RFC 4180 quoting and the CSV-injection prefix of the audit export.</summary>
public sealed class AuditCsvTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("link_revoked", "link_revoked")]
    [InlineData("a=b", "a=b")]
    [InlineData("田中 一郎", "田中 一郎")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+81 3 1234", "'+81 3 1234")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("＝1+1", "'＝1+1")]
    [InlineData("＋1", "'＋1")]
    [InlineData("－1", "'－1")]
    [InlineData("＠a", "'＠a")]
    public void Field_QuotedPerRfc4180_FormulaStartsNeutralised(string? value, string expected)
    {
        Assert.Equal(expected, AuditCsv.Field(value));
    }

    [Fact]
    public void Line_CommaSeparated_EndsWithCrlf()
    {
        Assert.Equal("a,,\"b,c\",'=d\r\n", AuditCsv.Line(["a", null, "b,c", "=d"]));
    }

    [Fact]
    public void HeaderLine_StartsWithAByteOrderMark()
    {
        var header = AuditCsv.HeaderLine();

        Assert.Equal('\uFEFF', header[0]);
        Assert.Equal(string.Join(',', AuditCsv.Header) + "\r\n", header[1..]);
    }

    [Fact]
    public void RecordLine_JapanTimeAndReadableDetail_ParsesBackToTheSameFields()
    {
        var record = new AuditRecord(42, "link_revoked", new DateTimeOffset(2026, 11, 21, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560), "operator", "=evil()",
            Guid.Parse("11111111-2222-3333-4444-555555555555"), "tanaka01", null, "サンドボックス, \"家計簿\"", null, "c1", null, null,
            new JsonObject { ["reason"] = "電話で依頼,\n\"至急\"" });

        var fields = Parse(AuditCsv.RecordLine(record));

        Assert.Equal(AuditCsv.Header.Count, fields.Count);
        Assert.Equal("42", fields[0]);
        Assert.Equal("2026-11-21T12:04:05.123456+09:00", fields[1]);
        Assert.Equal("'=evil()", fields[4]);
        Assert.Equal("tanaka01", fields[6]);
        Assert.Equal("サンドボックス, \"家計簿\"", fields[8]);
        Assert.Equal("", fields[7]);
        Assert.Equal("電話で依頼,\n\"至急\"", JsonNode.Parse(fields[13])!["reason"]!.GetValue<string>());
        Assert.Contains("電話で依頼", fields[13], StringComparison.Ordinal);
    }

    /// <summary>A strict RFC 4180 reader for one record ending in CRLF.</summary>
    private static List<string> Parse(string line)
    {
        Assert.EndsWith("\r\n", line, StringComparison.Ordinal);
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var body = line[..^2];
        while (true)
        {
            if (i < body.Length && body[i] == '"')
            {
                i++;
                while (true)
                {
                    Assert.True(i < body.Length, "unterminated quoted field");
                    if (body[i] == '"' && i + 1 < body.Length && body[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                    }
                    else if (body[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        field.Append(body[i++]);
                    }
                }
            }
            else
            {
                while (i < body.Length && body[i] != ',')
                {
                    Assert.NotEqual('"', body[i]);
                    Assert.False(body[i] is '\r' or '\n', "a line break outside quotes");
                    field.Append(body[i++]);
                }
            }

            fields.Add(field.ToString());
            field.Clear();
            if (i == body.Length)
            {
                return fields;
            }

            Assert.Equal(',', body[i++]);
        }
    }
}
