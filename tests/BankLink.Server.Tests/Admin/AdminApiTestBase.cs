using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BankLink.Domain.Operators;
using BankLink.Server.Tests.Contract;
using BankLink.Testing;

namespace BankLink.Server.Tests.Admin;

/// <summary>An admin API answer, already checked against openapi/banklink-admin.v1.json.</summary>
public sealed record AdminResponse(HttpResponseMessage Message, string Body)
{
    public HttpStatusCode Status => Message.StatusCode;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public string? Error => Json.TryGetProperty("error", out var error) ? error.GetString() : null;

    public override string ToString() => $"{(int)Status} {Body}";
}

/// <summary>
/// The admin API over the real pipeline on a fresh copy of the sandbox bank per test (STYLE.md 15). Every call is
/// checked against the contract by its operationId (status, media type, required headers, body schema) and for
/// <c>Cache-Control: no-store</c>; problems also for their <c>error</c> code and <c>requestId</c>.
/// </summary>
public abstract class AdminApiTestBase : IAsyncLifetime
{
    internal static readonly OpenApiContract Contract = OpenApiContract.Load("banklink-admin.v1.json");

    protected DemoBankDatabase Database { get; } = new();

    protected BankLinkApp App { get; private set; } = null!;

    protected OperatorTestAccount Viewer { get; private set; } = null!;

    protected OperatorTestAccount Operator { get; private set; } = null!;

    protected OperatorTestAccount Admin { get; private set; } = null!;

    /// <summary>A second admin, to approve what <see cref="Admin"/> asked for (four eyes).</summary>
    protected OperatorTestAccount SecondAdmin { get; private set; } = null!;

    /// <summary>Settings for the app (four-eyes configuration, for instance); none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        App = new BankLinkApp(Database.ConnectionString, Settings);
        Viewer = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Viewer);
        Operator = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Operator);
        Admin = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Admin);
        SecondAdmin = await OperatorTestAccounts.CreateAsync(App, OperatorRole.Admin);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Sends a request with a JSON body (serialised from <paramref name="body"/>, or sent as is when a string) and checks the answer.</summary>
    protected Task<AdminResponse> SendAsync(string operationId, HttpMethod method, string path, OperatorTestAccount? caller, object? body = null,
        string contentType = "application/json") =>
        SendAsync(operationId, method, path, caller?.ApiKey, body, contentType);

    protected async Task<AdminResponse> SendAsync(string operationId, HttpMethod method, string path, string? apiKey, object? body = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await OperatorTestAccounts.ApiClient(App, apiKey).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        if (response.Content.Headers.ContentType?.MediaType == "text/csv")
        {
            AssertCsvConforms(operationId, response);
        }
        else
        {
            Contract.AssertConforms(operationId, response, text);
        }

        var answer = new AdminResponse(response, text);
        if ((int)response.StatusCode >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal((int)response.StatusCode, answer.Json.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(answer.Json.GetProperty("requestId").GetString()));
        }

        return answer;
    }

    protected Task<AdminResponse> GetAsync(string operationId, string path, OperatorTestAccount? caller) => SendAsync(operationId, HttpMethod.Get, path, caller);

    protected Task<AdminResponse> PostAsync(string operationId, string path, OperatorTestAccount? caller, object? body) =>
        SendAsync(operationId, HttpMethod.Post, path, caller, body);

    /// <summary>The CSV answer against its documented status, media type and required headers (its body is no JSON).</summary>
    private static void AssertCsvConforms(string operationId, HttpResponseMessage response)
    {
        var documented = Contract.Operation(operationId).GetProperty("responses").GetProperty(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(documented.GetProperty("content").TryGetProperty("text/csv", out _));
        foreach (var header in documented.GetProperty("headers").EnumerateObject())
        {
            if (header.Value.TryGetProperty("required", out var required) && required.GetBoolean())
            {
                Assert.True(response.Headers.TryGetValues(header.Name, out _) || response.Content.Headers.TryGetValues(header.Name, out _), $"{operationId} lacks {header.Name}");
            }
        }
    }

    protected static void AssertRefused(AdminResponse response, HttpStatusCode status, string error)
    {
        Assert.True(status == response.Status, $"Expected {(int)status} {error}, got {response}");
        Assert.Equal(error, response.Error);
    }

    /// <summary>A reason that passes (5 to 500 characters).</summary>
    protected static object Reason(string text = "customer asked on the phone, ticket 4711") => new { reason = text };

    protected Task<Guid> CustomerIdAsync(string loginId = "tanaka01") => Database.ScalarAsync<Guid>("SELECT id FROM customers WHERE login_id = $1", loginId);

    /// <summary>The provider's DPoP-bound access token is refused by the resource API (401 invalid_token), checked against its contract.</summary>
    internal static async Task AssertTokenRefusedAsync(ProviderClient provider, string token)
    {
        var refused = await ResourceApiTests.CallAsync(provider, "ListAccounts", "/accounts", token);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("invalid_token", refused.Json.GetProperty("error").GetString());
    }

    internal static async Task AssertTokenWorksAsync(ProviderClient provider, string token)
    {
        var works = await ResourceApiTests.CallAsync(provider, "ListAccounts", "/accounts", token);
        Assert.Equal(HttpStatusCode.OK, works.Status);
    }

    /// <summary>The grant behind the newest access token of <paramref name="provider"/>'s client.</summary>
    internal async Task<Guid> LatestGrantAsync(ProviderClient provider) => await Database.ScalarAsync<Guid>(
        "SELECT grant_id FROM tokens WHERE client_id = $1 AND grant_id IS NOT NULL ORDER BY created_at DESC LIMIT 1", provider.ClientId);

    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<T>())!;
}
