using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BankLink.CoreBanking;
using BankLink.Data.Operations;
using BankLink.Data.Operations.FourEyes;
using BankLink.Server.Operators;

namespace BankLink.Server.Apis.Admin;

/// <summary>
/// The admin API (issue 6, openapi/banklink-admin.v1.json): the operator console's powers over HTTP for the bank's own
/// tools, under /admin/v1, authenticated by API key (<see cref="AdminApi"/>) and role-checked twice (the endpoint's
/// <see cref="OperatorPolicies"/> policy, then the operation itself). One class per resource.
/// </summary>
public static class AdminApiEndpoints
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapAdminMeApi();
        var group = endpoints.MapAdminGroup().AddEndpointFilter<AdminRefusals>();
        group.MapAdminCustomersApi();
        group.MapAdminProvidersApi();
        group.MapAdminOnboardingTokensApi();
        group.MapAdminServiceHoursApi();
        group.MapAdminAuditApi();
        group.MapAdminDashboardApi();
        group.MapAdminApprovalsApi();
        group.MapAdminOperatorsApi();
        return endpoints;
    }
}

/// <summary>A request the admin API refuses before any operation runs (body, content type, query, path).</summary>
public sealed class AdminRequestException(int status, string error, string message, IReadOnlyList<string>? problems = null) : Exception(message)
{
    public int Status { get; } = status;

    public string Error { get; } = error;

    public IReadOnlyList<string>? Problems { get; } = problems;
}

/// <summary>
/// Turns every refusal into an RFC 9457 problem with a stable <c>error</c> code (the server adds <c>requestId</c>):
/// the operations' <see cref="OperationRefusedException"/> codes (not_found 404, forbidden 403, invalid_reason and
/// invalid_request 400, conflict and same_operator 409), the API's own request checks, and the core being away (503,
/// Retry-After and <c>reason</c> as the resource API says it). Anything else stays a 500 without detail.
/// </summary>
internal sealed class AdminRefusals : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (OperationRefusedException refused)
        {
            return AdminProblems.Refused(refused);
        }
        catch (AdminRequestException bad)
        {
            return AdminProblems.Problem(bad.Status, bad.Error, bad.Message,
                bad.Problems is null ? null : new Dictionary<string, object?> { ["problems"] = bad.Problems });
        }
        catch (CoreUnavailableException unavailable)
        {
            if (unavailable.RetryAfter is { } retryAfter)
            {
                context.HttpContext.Response.Headers.RetryAfter =
                    ((long)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
            }

            return AdminProblems.Problem(StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable",
                "The core banking system cannot be asked now; try again later.", new Dictionary<string, object?> { ["reason"] = unavailable.ReasonName });
        }
    }
}

/// <summary>The admin API's problems and common answers.</summary>
internal static class AdminProblems
{
    public static IResult Problem(int status, string error, string detail, Dictionary<string, object?>? extensions = null)
    {
        extensions ??= [];
        extensions["error"] = error;
        return TypedResults.Problem(detail: detail, statusCode: status, extensions: extensions);
    }

    public static IResult Refused(OperationRefusedException refused) => Problem(Status(refused.Code), refused.Code, refused.Message);

    /// <summary>The status of an <see cref="OperationRefusedException"/> code.</summary>
    public static int Status(string code) => code switch
    {
        "not_found" => StatusCodes.Status404NotFound,
        "forbidden" => StatusCodes.Status403Forbidden,
        "invalid_reason" or "invalid_request" => StatusCodes.Status400BadRequest,
        "conflict" or "same_operator" => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    public static AdminRequestException NotFound(string what) => new(StatusCodes.Status404NotFound, "not_found", what);

    public static AdminRequestException Invalid(string what, IReadOnlyList<string>? problems = null) =>
        new(StatusCodes.Status400BadRequest, "invalid_request", what, problems);

    /// <summary>A path id: a malformed one names nothing, so it is the same 404 as an unknown one.</summary>
    public static Guid Id(string? text, string what) =>
        Guid.TryParseExact(text, "D", out var id) ? id : throw NotFound($"No {what} has the id '{Shorten(text)}'.");

    /// <summary>
    /// The answer to a mutation that went through <see cref="OperatorActions"/>: 202 Accepted with the four-eyes request
    /// and its Location when it waits for approval, else <paramref name="executed"/>'s answer.
    /// </summary>
    public static IResult Outcome(OperatorActionOutcome outcome, Func<object, IResult> executed)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Pending)
        {
            var pending = (PendingOperatorAction)outcome.Result!;
            return TypedResults.Accepted(ApprovalLocation(pending.Id), AdminModels.Approval(pending, null));
        }

        return executed(outcome.Result!);
    }

    /// <summary>Runs a mutating action through <see cref="OperatorActions"/> as the caller: 200 with its result, or 202 when it waits for approval.</summary>
    public static async Task<IResult> RunAsync(HttpContext http, OperatorActions actions, OperatorActionRequest request, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return Outcome(await actions.RunAsync(http.RequireOperator(), request, reason ?? "", ct), result => TypedResults.Ok(AdminModels.ActionResult(result)));
    }

    public static string ApprovalLocation(Guid id) => $"{AdminApi.BasePath}/approvals/{id}";

    public static string Shorten(string? text) => text is null ? "" : text.Length > 40 ? text[..40] + "..." : text;
}

/// <summary>Request bodies: JSON objects only, with the members the operation takes and no others.</summary>
internal static class AdminRequests
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Allow-listed members (STYLE.md 7): a misspelt member ("revokeRefreshToken") is refused, never ignored.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 16,
    };

    /// <summary>
    /// Reads the body as <typeparamref name="T"/>. 415 (unsupported_media_type) unless the content type is JSON; 400
    /// (invalid_request) when it is not one JSON object of <typeparamref name="T"/>'s members. The server bounds the size.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpContext http)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!http.Request.HasJsonContentType())
        {
            throw new AdminRequestException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                "Send the request body as application/json.");
        }

        T? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Options, http.RequestAborted);
        }
        catch (JsonException e)
        {
            // Said in our words: the parser's own message names .NET types.
            throw AdminProblems.Invalid(e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"The body has a member this operation does not take{Where(e)}."
                : $"The body is not a JSON object this operation takes (malformed JSON or a value of the wrong type{Where(e)}).");
        }
        catch (NotSupportedException)
        {
            throw AdminProblems.Invalid("The body is not a JSON object this operation takes.");
        }

        return body ?? throw AdminProblems.Invalid("The body must be a JSON object.");
    }

    /// <summary>
    /// The query's parameters, each at most once and each one <paramref name="allowed"/> names (STYLE.md 7: allow-listed,
    /// no duplicates); 400 otherwise. Empty values count as absent.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Query(HttpContext http, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(http);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in http.Request.Query)
        {
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                throw AdminProblems.Invalid($"The query parameter '{AdminProblems.Shorten(name)}' is not one this operation takes ({string.Join(", ", allowed)}).");
            }

            if (value.Count != 1)
            {
                throw AdminProblems.Invalid($"The query parameter '{name}' is given more than once.");
            }

            if (!string.IsNullOrEmpty(value[0]))
            {
                values[name] = value[0]!;
            }
        }

        return values;
    }

    private static string Where(JsonException e) => e.Path is { Length: > 1 } path ? $" at {AdminProblems.Shorten(path)}" : "";
}

/// <summary>The body of a mutation that takes nothing but its reason.</summary>
public sealed record ReasonBody(string? Reason);
