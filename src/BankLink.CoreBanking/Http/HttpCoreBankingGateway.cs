using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BankLink.CoreBanking.Http;

/// <summary>The core answered something BankLink cannot use (a 4xx other than 404, or a body that does not parse): not transient, never retried.</summary>
public sealed class CoreProtocolException : Exception
{
    public CoreProtocolException()
    {
    }

    public CoreProtocolException(string message)
        : base(message)
    {
    }

    public CoreProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The adapter for a real core banking system, over the small JSON API of <c>openapi/core-adapter.v1.yaml</c>. It only
/// speaks HTTP: timeouts, retries and the circuit breaker are <see cref="Resilience.ResilientCoreBankingGateway"/>'s.
/// Connection failures and 5xx/408/429 answers surface as <see cref="HttpRequestException"/> (transient); 404 is "the core
/// does not know it" (null); anything else unusable is a <see cref="CoreProtocolException"/>.
/// </summary>
public sealed class HttpCoreBankingGateway(HttpClient http) : ICoreBankingGateway
{
    /// <summary>The adapter API's JSON: camelCase names, snake_case enum values (<c>card_loan</c>), ISO dates.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public async Task<IReadOnlyList<CoreAccount>> GetAccountsAsync(string customerNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customerNumber);
        var list = await GetAsync<AccountList>($"customers/{Uri.EscapeDataString(customerNumber)}/accounts", cancellationToken);
        return list?.Accounts ?? [];
    }

    public Task<CoreAccount?> GetAccountAsync(Guid accountId, CancellationToken cancellationToken) =>
        GetAsync<CoreAccount>($"accounts/{accountId:D}", cancellationToken);

    public Task<CoreBalance?> GetBalanceAsync(Guid accountId, CancellationToken cancellationToken) =>
        GetAsync<CoreBalance>($"accounts/{accountId:D}/balance", cancellationToken);

    public async Task<CoreTransactionPage> GetTransactionsAsync(
        Guid accountId, DateOnly from, DateOnly to, CoreTransactionKey? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var query = string.Create(CultureInfo.InvariantCulture, $"accounts/{accountId:D}/transactions?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&limit={limit}");
        if (after is { } key)
        {
            query += string.Create(CultureInfo.InvariantCulture, $"&afterDate={key.BookingDate:yyyy-MM-dd}&afterSeq={key.Sequence}");
        }

        // An account the core does not know has no history: an empty page, as the demo ledger answers.
        return await GetAsync<CoreTransactionPage>(query, cancellationToken) ?? new CoreTransactionPage([], null, DateTimeOffset.MinValue);
    }

    private async Task<T?> GetAsync<T>(string relative, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await http.GetAsync(new Uri(relative, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var status = (int)response.StatusCode;
        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, $"The core adapter answered {status}.", statusCode: response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new CoreProtocolException($"The core adapter answered {status} to GET {relative}.");
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<T>(JsonOptions, cancellationToken)
                ?? throw new CoreProtocolException($"The core adapter answered null to GET {relative}.");
        }
        catch (JsonException exception)
        {
            throw new CoreProtocolException($"The core adapter's answer to GET {relative} does not parse.", exception);
        }
    }

    private sealed record AccountList(IReadOnlyList<CoreAccount> Accounts);
}
