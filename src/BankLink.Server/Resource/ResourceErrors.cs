using BankLink.Protocol.Primitives;

namespace BankLink.Server.Resource;

/// <summary>
/// The resource API's own refusals (BL271x, beside the access token ones in <see cref="ErrorCatalogue"/>), answered
/// as RFC 9457 problems carrying the same <c>error</c> code, id and what to do. Ids never change meaning.
/// </summary>
public static class ResourceErrors
{
    public const string NotFound = "not_found";
    public const string InvalidCursor = "invalid_cursor";
    public const string RateLimited = "rate_limited";
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    public static readonly ProtocolError AccountNotFound = new(NotFound, "BL2710",
        "No account with this id is linked to this token's grant; list the linked accounts with GET /accounts.");

    public static readonly ProtocolError DateRangeInvalid = new(ProtocolConstants.Errors.InvalidRequest, "BL2711",
        "from and to must be dates (YYYY-MM-DD, Japan time) with from not after to, within the history the bank offers (by default 13 months up to today).");

    public static readonly ProtocolError LimitInvalid = new(ProtocolConstants.Errors.InvalidRequest, "BL2712",
        "limit must be a whole number from 1 to 1000.");

    public static readonly ProtocolError CursorInvalid = new(InvalidCursor, "BL2713",
        "The cursor is not one BankLink issued for this account and date range; follow the next link exactly as given, or start again without a cursor.");

    public static readonly ProtocolError TooManyRequests = new(RateLimited, "BL2714",
        "This client sent more requests than its rate limit allows; wait the number of seconds in Retry-After, then retry.");

    public static readonly ProtocolError QueryParameterInvalid = new(ProtocolConstants.Errors.InvalidRequest, "BL2715",
        "The query has a parameter this endpoint does not take or a parameter sent twice; transactions take from, to, limit and cursor once each, the other endpoints none.");

    public static readonly ProtocolError ServiceUnavailable = new(TemporarilyUnavailable, "BL2716",
        "Account data cannot be served now (see reason: outside service hours, maintenance or the core banking system unavailable); retry after the number of seconds in Retry-After, or check GET /status.");
}
