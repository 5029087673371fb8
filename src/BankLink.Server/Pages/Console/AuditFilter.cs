using System.Globalization;
using System.Text;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Time;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// The audit page's filters as the query string carries them (the page, its "older" link and the CSV download share
/// them): <c>customer</c> (an id or a login ID), <c>provider</c>, <c>account</c> (ids), <c>operator</c> (a login ID),
/// <c>type</c> (event types, separated by commas or spaces), <c>from</c> and <c>to</c> (Japan time, as a
/// datetime-local field sends them), <c>data_reads</c>, and <c>before</c> (the keyset cursor of the next page).
/// </summary>
public sealed class AuditFilter
{
    public const int PageSize = 50;

    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"];

    public string? Customer { get; init; }

    public string? Provider { get; init; }

    public string? Account { get; init; }

    public string? OperatorLoginId { get; init; }

    public string? Types { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    public bool DataReads { get; init; }

    public string? Before { get; init; }

    public static AuditFilter FromQuery(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        static string? Value(IQueryCollection q, string name) => q[name].ToString() is { Length: > 0 } text ? text.Trim() : null;
        return new AuditFilter
        {
            Customer = Value(query, "customer"),
            Provider = Value(query, "provider"),
            Account = Value(query, "account"),
            OperatorLoginId = Value(query, "operator"),
            Types = Value(query, "type"),
            From = Value(query, "from"),
            To = Value(query, "to"),
            DataReads = Value(query, "data_reads") is "true" or "on",
            Before = Value(query, "before"),
        };
    }

    /// <summary>The query string of these filters (without the cursor unless asked), starting with '?' or empty.</summary>
    public string QueryString(long? before = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is { Length: > 0 })
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("customer", Customer);
        Add("provider", Provider);
        Add("account", Account);
        Add("operator", OperatorLoginId);
        Add("type", Types);
        Add("from", From);
        Add("to", To);
        Add("data_reads", DataReads ? "true" : null);
        Add("before", before?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>The service's query for these filters; <see cref="OperationRefusedException"/> invalid_request names what is wrong.</summary>
    public async Task<AuditQuery> ToQueryAsync(CustomerDirectory directory, OperatorActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Guid? customerId = null;
        if (Customer is { } customer)
        {
            if (Guid.TryParse(customer, out var id))
            {
                customerId = id;
            }
            else
            {
                var found = await directory.SearchAsync(actor, CustomerSearchBy.LoginId, customer, cancellationToken);
                customerId = found.Count == 1 ? found[0].Id : throw Invalid($"No customer has the login ID '{Cut(customer)}'.");
            }
        }

        var types = Types?.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var from = Instant(From, "from");
        var to = Instant(To, "to");
        long? before = null;
        if (Before is { } cursor)
        {
            before = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw Invalid("The page cursor is not valid: start again from the first page.");
        }

        return new AuditQuery
        {
            CustomerId = customerId,
            ProviderId = Id(Provider, "provider"),
            AccountId = Id(Account, "account"),
            OperatorLoginId = OperatorLoginId,
            EventTypes = types is { Length: > 0 } ? types : null,
            IncludeDataReads = DataReads,
            From = from,
            To = to,
            Before = before,
            Limit = PageSize,
        };
    }

    /// <summary>A datetime-local value as the page shows it again (Japan time).</summary>
    public static string Local(DateTimeOffset instant) => instant.ToOffset(JapanTime.Offset).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    private static Guid? Id(string? text, string field) => text is null ? null
        : Guid.TryParse(text, out var id) ? id
        : throw Invalid($"The {field} filter takes an id (a UUID such as 0b9c…-…), not '{Cut(text)}'.");

    private static DateTimeOffset? Instant(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "O"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
        {
            return withOffset;
        }

        return DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, JapanTime.Offset)
            : throw Invalid($"The '{field}' time is YYYY-MM-DD HH:MM in Japan time, not '{Cut(text)}'.");
    }

    private static OperationRefusedException Invalid(string message) => new("invalid_request", message);

    /// <summary>Typed text echoed in a message: one line, short (the page encodes it).</summary>
    private static string Cut(string text)
    {
        var line = new StringBuilder();
        foreach (var c in text.Take(60))
        {
            line.Append(char.IsControl(c) ? ' ' : c);
        }

        return line.ToString() + (text.Length > 60 ? "…" : "");
    }
}
