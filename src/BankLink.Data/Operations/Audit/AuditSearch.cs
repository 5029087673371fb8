using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Operations.Customers;
using BankLink.Domain.Operators;
using Npgsql;
using NpgsqlTypes;

namespace BankLink.Data.Operations.Audit;

/// <summary>
/// An export under way: <see cref="ReadLinesAsync"/> yields the header and then one CSV record per event, newest
/// first, each ending in CRLF (<see cref="AuditCsv"/>). It holds at most <see cref="AuditSearch.MaxExportRows"/>
/// events. <see cref="Truncated"/> says, before the first line, that the filter matched more: narrow it, or
/// continue with <see cref="AuditQuery.Before"/> set to the last id exported.
/// </summary>
public sealed class AuditCsvExport
{
    private readonly AuditSearch _search;
    private readonly AuditQuery _query;
    private readonly long _upperBound;

    internal AuditCsvExport(AuditSearch search, AuditQuery query, long upperBound, bool truncated, string fileName)
    {
        _search = search;
        _query = query;
        _upperBound = upperBound;
        Truncated = truncated;
        FileName = fileName;
    }

    public bool Truncated { get; }

    /// <summary>A file name for Content-Disposition, e.g. <c>banklink-audit-20261121-120000.csv</c> (Japan time).</summary>
    public string FileName { get; }

    /// <summary>The export's lines, read page by page (keyset), so memory stays flat however many rows there are.</summary>
    public async IAsyncEnumerable<string> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return AuditCsv.HeaderLine();
        var before = _upperBound;
        var left = AuditSearch.MaxExportRows;
        while (left > 0)
        {
            var page = await _search.ReadPageAsync(_query with { Before = before, Limit = Math.Min(AuditSearch.ExportPageSize, left) }, cancellationToken);
            foreach (var record in page.Records)
            {
                yield return AuditCsv.RecordLine(record);
            }

            left -= page.Records.Count;
            if (page.NextBefore is not { } next)
            {
                yield break;
            }

            before = next;
        }
    }
}

/// <summary>
/// The audit trail for operators (issue 6 "Audit trail: filter ...; CSV export"). Reading needs the viewer role. Each
/// filter has an index behind it (0018_operator_actions.sql), and pages are keyset pages on the event id, newest
/// first, so a page costs the same on a trail of any size. An export is recorded as <c>audit_exported</c>, with its
/// filter, before its first line is read.
/// </summary>
public sealed class AuditSearch(NpgsqlDataSource dataSource, AuditTrail audit, TimeProvider clock)
{
    public const string AuditExported = "audit_exported";

    public const int MaxExportRows = 100_000;

    internal const int ExportPageSize = 1000;

    public async Task<AuditRecordPage> QueryAsync(OperatorActor actor, AuditQuery query, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Viewer, "Reading the audit trail");
        Validate(query);
        return await ReadPageAsync(query, cancellationToken);
    }

    /// <summary>
    /// Starts a CSV export of everything <paramref name="query"/> matches, up to <see cref="MaxExportRows"/> events
    /// (<see cref="AuditQuery.Limit"/> is ignored). The export covers the events that exist now: events appended while
    /// it is read are left out.
    /// </summary>
    public async Task<AuditCsvExport> BeginCsvExportAsync(OperatorActor actor, AuditQuery query, CancellationToken cancellationToken)
    {
        OperatorGuard.RequireRole(actor, OperatorRole.Viewer, "Exporting the audit trail");
        Validate(query with { Limit = 1 });
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long upper;
        await using (var max = new NpgsqlCommand("SELECT coalesce(max(id), 0) + 1 FROM audit_events", connection))
        {
            upper = Math.Min(query.Before ?? long.MaxValue, (long)(await max.ExecuteScalarAsync(cancellationToken))!);
        }

        // Whether the filter matches more than one export holds, known before the first line is sent.
        var (where, parameters) = Filter(query with { Before = upper });
        bool truncated;
        await using (var probe = new NpgsqlCommand($"SELECT 1 FROM audit_events e WHERE {where} ORDER BY e.id DESC OFFSET {MaxExportRows} LIMIT 1", connection))
        {
            parameters.ForEach(p => probe.Parameters.Add(p));
            truncated = await probe.ExecuteScalarAsync(cancellationToken) is not null;
        }

        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await audit.AppendAsync(connection, transaction, new AuditEvent(AuditExported, now, AuditActorKinds.Operator, actor.LoginId, Detail: new JsonObject
            {
                ["filter"] = query.ToJson(),
                ["format"] = "csv",
                ["max_rows"] = MaxExportRows,
                ["truncated"] = truncated,
            }), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var fileName = $"banklink-audit-{now.ToOffset(Domain.Time.JapanTime.Offset):yyyyMMdd-HHmmss}.csv";
        return new AuditCsvExport(this, query, upper, truncated, fileName);
    }

    internal async Task<AuditRecordPage> ReadPageAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var (where, parameters) = Filter(query);
        await using var command = dataSource.CreateCommand($"""
            SELECT e.id, e.event_type, e.occurred_at, e.actor_kind, e.actor_id, e.customer_id, cu.login_id, e.provider_id, p.name, p.name_ja,
                   e.client_id, e.grant_id, e.account_id, e.detail
            FROM audit_events e
                LEFT JOIN customers cu ON cu.id = e.customer_id
                LEFT JOIN providers p ON p.id = e.provider_id
            WHERE {where}
            ORDER BY e.id DESC
            LIMIT {query.Limit + 1}
            """);
        parameters.ForEach(p => command.Parameters.Add(p));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<AuditRecord>(Math.Min(query.Limit + 1, ExportPageSize + 1));
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetGuid(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetGuid(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetGuid(11),
                reader.IsDBNull(12) ? null : reader.GetGuid(12),
                reader.IsDBNull(13) ? null : JsonNode.Parse(reader.GetString(13))?.AsObject()));
        }

        return records.Count > query.Limit
            ? new AuditRecordPage(records[..query.Limit], records[query.Limit - 1].Id)
            : new AuditRecordPage(records, null);
    }

    /// <summary>
    /// The WHERE clause and its parameters. The literals <c>'operator'</c> and <c>'data_read'</c> are written into the
    /// SQL, not passed as parameters, so PostgreSQL can prove that the partial indexes apply.
    /// </summary>
    private static (string Where, List<NpgsqlParameter> Parameters) Filter(AuditQuery query)
    {
        var where = new StringBuilder("e.id < $1");
        var parameters = new List<NpgsqlParameter> { new() { Value = query.Before ?? long.MaxValue, NpgsqlDbType = NpgsqlDbType.Bigint } };
        void Add(string condition, object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            where.Append(" AND ").Append(condition.Replace("$?", "$" + parameters.Count, StringComparison.Ordinal));
        }

        if (query.CustomerId is { } customer)
        {
            Add("e.customer_id = $?", customer, NpgsqlDbType.Uuid);
        }

        if (query.ProviderId is { } provider)
        {
            Add("e.provider_id = $?", provider, NpgsqlDbType.Uuid);
        }

        if (query.AccountId is { } account)
        {
            Add("e.account_id = $?", account, NpgsqlDbType.Uuid);
        }

        if (query.OperatorLoginId is { } login)
        {
            Add("e.actor_kind = 'operator' AND e.actor_id = $?", login.Trim(), NpgsqlDbType.Varchar);
        }

        var types = query.EventTypes is { Count: > 0 } listed ? listed.Distinct(StringComparer.Ordinal).ToArray() : null;
        if (types is not null)
        {
            Add("e.event_type = ANY($?)", types, NpgsqlDbType.Array | NpgsqlDbType.Varchar);
        }

        if (types is null ? !query.IncludeDataReads : !types.Contains(AuditEventTypes.DataRead, StringComparer.Ordinal))
        {
            where.Append(" AND e.event_type <> 'data_read'");
        }

        if (query.From is { } from)
        {
            // Npgsql writes timestamptz from UTC instants only; callers may pass Japan time.
            Add("e.occurred_at >= $?", from.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        if (query.To is { } to)
        {
            Add("e.occurred_at < $?", to.ToUniversalTime(), NpgsqlDbType.TimestampTz);
        }

        return (where.ToString(), parameters);
    }

    private static void Validate(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, $"A page holds 1 to {AuditQuery.MaxLimit} events.");
        }

        if (query.EventTypes is { } types && (types.Count > AuditQuery.MaxEventTypes || types.Any(t => !IsEventType(t))))
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest,
                $"Name at most {AuditQuery.MaxEventTypes} event types, each in snake_case of at most 64 characters.");
        }

        if (query.OperatorLoginId is { } login && (login.Trim().Length is 0 or > 200))
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, "An operator login ID is 1 to 200 characters.");
        }

        if (query.From is { } from && query.To is { } to && from >= to)
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, "The time range's start must be before its end.");
        }

        if (query.Before is <= 0)
        {
            throw new OperationRefusedException(OperatorGuard.InvalidRequest, "The page cursor is not valid.");
        }
    }

    private static bool IsEventType(string? type) =>
        type is { Length: > 0 and <= 64 } && type[0] is >= 'a' and <= 'z' && type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
