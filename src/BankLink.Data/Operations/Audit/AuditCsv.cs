using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BankLink.Domain.Time;

namespace BankLink.Data.Operations.Audit;

/// <summary>
/// CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted when it holds a
/// comma, a double quote, CR or LF, and quotes inside doubled. Spreadsheets also run a cell that starts with
/// <c>= + - @</c>, tab or CR as a formula (CSV injection). The audit trail holds text from outside the bank (client
/// names, login IDs, reasons), so such a cell gets a leading single quote (OWASP's advice). Spreadsheets show the
/// quote, and the value cannot run as a formula. The full-width forms ＝ ＋ － ＠ are treated the same way, because
/// some Japanese spreadsheet settings convert them.
/// </summary>
public static class AuditCsv
{
    public const string ContentType = "text/csv; charset=utf-8; header=present";

    /// <summary>
    /// Starts the header line, so that Excel in Japan, which assumes Shift_JIS without it, opens the export as UTF-8.
    /// </summary>
    public const char ByteOrderMark = '\uFEFF';

    public static IReadOnlyList<string> Header { get; } =
    [
        "id", "occurred_at", "event_type", "actor_kind", "actor_id", "customer_id", "customer_login_id", "provider_id", "provider_name",
        "provider_name_ja", "client_id", "grant_id", "account_id", "detail",
    ];

    /// <summary>One field, neutralised against formulas, then quoted when RFC 4180 requires it. Null is an empty field.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '＝' or '＋' or '－' or '＠')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>One record with its CRLF.</summary>
    public static string Line(IEnumerable<string?> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var line = new StringBuilder(256);
        foreach (var field in fields)
        {
            if (line.Length > 0)
            {
                line.Append(',');
            }

            line.Append(Field(field));
        }

        return line.Append("\r\n").ToString();
    }

    /// <summary>The header record, starting with <see cref="ByteOrderMark"/>.</summary>
    public static string HeaderLine() => ByteOrderMark + Line(Header);

    /// <summary>An event's record. Times are Japan time with their offset, to the microsecond the trail keeps.</summary>
    public static string RecordLine(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Line(
        [
            record.Id.ToString(CultureInfo.InvariantCulture),
            record.OccurredAt.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
            record.EventType,
            record.ActorKind,
            record.ActorId,
            record.CustomerId?.ToString(),
            record.CustomerLoginId,
            record.ProviderId?.ToString(),
            record.ProviderName,
            record.ProviderNameJa,
            record.ClientId,
            record.GrantId?.ToString(),
            record.AccountId?.ToString(),
            record.Detail?.ToJsonString(DetailJson),
        ]);
    }

    /// <summary>
    /// The trail stores details with non-ASCII escaped (<c>\u30C6</c>). The export writes Japanese reasons readably.
    /// Relaxed escaping is unsafe only inside HTML, and a CSV field is no HTML.
    /// </summary>
    private static readonly JsonSerializerOptions DetailJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
