using System.Text.Json.Nodes;

namespace BankLink.Data.Operations.Audit;

/// <summary>
/// A filter over the audit trail (issue 6: "filter by customer, provider, account, operator, event type and time").
/// Every filter given must match. <see cref="EventTypes"/> given: exactly those types. Not given: every type except the
/// resource API's per-read <c>data_read</c> events, which are the bulk of the trail and are listed only when
/// <see cref="IncludeDataReads"/> is set or <see cref="EventTypes"/> names them. Pages run newest first. Follow
/// <see cref="AuditRecordPage.NextBefore"/> in <see cref="Before"/>.
/// </summary>
public sealed record AuditQuery
{
    public const int MaxLimit = 500;

    public const int MaxEventTypes = 50;

    public Guid? CustomerId { get; init; }

    public Guid? ProviderId { get; init; }

    /// <summary>The core's account reference (an id from the customer page, never the account number).</summary>
    public Guid? AccountId { get; init; }

    /// <summary>Events done by this operator: actor kind operator and this login ID (commands: <c>command:NAME</c>).</summary>
    public string? OperatorLoginId { get; init; }

    public IReadOnlyList<string>? EventTypes { get; init; }

    public bool IncludeDataReads { get; init; }

    /// <summary>Inclusive lower bound on when the event occurred.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on when the event occurred.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only events older than this id: the keyset of the next page.</summary>
    public long? Before { get; init; }

    /// <summary>1 to <see cref="MaxLimit"/> events per page.</summary>
    public int Limit { get; init; } = 100;

    /// <summary>The filter as the <c>audit_exported</c> event records it (what was asked, not the page).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (CustomerId is { } customer)
        {
            json["customer_id"] = customer.ToString();
        }

        if (ProviderId is { } provider)
        {
            json["provider_id"] = provider.ToString();
        }

        if (AccountId is { } account)
        {
            json["account_id"] = account.ToString();
        }

        if (OperatorLoginId is { } login)
        {
            json["operator"] = login;
        }

        if (EventTypes is { Count: > 0 } types)
        {
            json["event_types"] = new JsonArray([.. types.Select(t => JsonValue.Create(t))]);
        }

        if (IncludeDataReads)
        {
            json["include_data_reads"] = true;
        }

        if (From is { } from)
        {
            json["from"] = from.ToString("O");
        }

        if (To is { } to)
        {
            json["to"] = to.ToString("O");
        }

        if (Before is { } before)
        {
            json["before"] = before;
        }

        return json;
    }
}

/// <summary>One audit event as the console and the export show it, with the customer's login ID and the provider's names.</summary>
public sealed record AuditRecord(
    long Id,
    string EventType,
    DateTimeOffset OccurredAt,
    string ActorKind,
    string? ActorId,
    Guid? CustomerId,
    string? CustomerLoginId,
    Guid? ProviderId,
    string? ProviderName,
    string? ProviderNameJa,
    string? ClientId,
    Guid? GrantId,
    Guid? AccountId,
    JsonObject? Detail);

/// <summary>A page of events, newest first; <see cref="NextBefore"/> asks for the next (older) page, null at the end.</summary>
public sealed record AuditRecordPage(IReadOnlyList<AuditRecord> Records, long? NextBefore);
