using System.Globalization;
using BankLink.Protocol.Primitives;
using Microsoft.Extensions.Primitives;

namespace BankLink.Server.Resource;

/// <summary>
/// The query of a history request, checked before anything is read (STYLE.md 7): only from, to, limit and cursor,
/// each at most once and of bounded length; dates as YYYY-MM-DD in Japan time inside the offered window
/// [today - HistoryMonths, today]; by default the whole window. The cursor is only syntax here; it is opened
/// against the account and range later (<see cref="HistoryCursor"/>).
/// </summary>
public sealed record HistoryQuery(DateOnly From, DateOnly To, int Limit, string? Cursor)
{
    public const string FromName = "from";
    public const string ToName = "to";
    public const string LimitName = "limit";
    public const string CursorName = "cursor";

    public static (HistoryQuery? Query, ProtocolError? Error) Parse(IQueryCollection query, DateOnly today, ResourceApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, values) in query)
        {
            if (name is not (FromName or ToName or LimitName or CursorName) || values.Count != 1 || (values[0]?.Length ?? 0) > 100)
            {
                return (null, ResourceErrors.QueryParameterInvalid);
            }
        }

        var windowStart = today.AddMonths(-options.HistoryMonths);
        var from = windowStart;
        var to = today;
        if ((query.TryGetValue(FromName, out var fromText) && !TryDate(fromText, out from))
            || (query.TryGetValue(ToName, out var toText) && !TryDate(toText, out to))
            || from > to || from < windowStart || to > today)
        {
            return (null, ResourceErrors.DateRangeInvalid);
        }

        var limit = options.DefaultPageSize;
        if (query.TryGetValue(LimitName, out var limitText)
            && (!int.TryParse(limitText[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > ResourceApiOptions.MaxPageSize))
        {
            return (null, ResourceErrors.LimitInvalid);
        }

        var cursor = query.TryGetValue(CursorName, out var cursorText) ? cursorText[0] : null;
        return (new HistoryQuery(from, to, limit, cursor), null);
    }

    private static bool TryDate(StringValues text, out DateOnly date) =>
        DateOnly.TryParseExact(text[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
