// Resource API benchmark (issue 5): the real server, Release build, on its own PostgreSQL, driven over loopback
// HTTP by clients that sign a fresh DPoP proof (with ath) for every request, as a provider does. Runs balance reads
// and transaction pages at concurrency 1, 16 and 64 on the demo data, then again after loading N synthetic
// customers; then a history page of an account with 100 lines against one with 100,000.
// Usage: dotnet run -c Release -- <server dll> <results file> [seconds per run] [customers]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Jose;
using BankLink.Protocol.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

var serverDll = Path.GetFullPath(args[0]);
var resultsFile = Path.GetFullPath(args[1]);
var runSeconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
var customers = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100_000;
await using var rig = await BenchRig.StartAsync(serverDll, "banklink-resourcebench-", TimeSpan.FromMinutes(30),
    "--BankLink:ResourceApi:RateLimit:BurstLimit=1000000", "--BankLink:ResourceApi:RateLimit:TokensPerPeriod=1000000");
var (http, issuer, services, dataSource) = (rig.Http, rig.Issuer, rig.Services, rig.DataSource);
var (clientId, clientKey) = await rig.RegisterClientAsync();
var client = new Provider(clientId, clientKey);

var tanaka = await Provider.LinkAsync(http, dataSource, client, issuer, "1000000001");
var accounts = await client.GetJsonAsync(http, issuer, tanaka.AccessToken, "/accounts");
var ordinary = accounts.GetProperty("accounts").EnumerateArray().First(a => a.GetProperty("kind").GetString() == "ordinary").GetProperty("id").GetString()!;

var report = new StringBuilder();
report.AppendLine("# Resource API benchmark").AppendLine()
    .AppendLine("Rerun with `bench/resource.sh [SECONDS] [CUSTOMERS]`. The real server (Release) on its own PostgreSQL (durable settings), over")
    .AppendLine("loopback HTTP; every request carries a DPoP-bound access token and a fresh ES256 DPoP proof with `ath` and its own jti,")
    .AppendLine("signed by the benchmark just before each run (a provider signs on its own machines; the server still verifies every")
    .AppendLine("signature and records every jti). Each read is validated (proof, binding, token, grant, account), audited (a `data_read`")
    .AppendLine("event in the hash-chained trail, committed before the answer) and answered from the demo ledger. Live access tokens are")
    .AppendLine("cached per node and dropped by LISTEN/NOTIFY on any change that could stop them.")
    .AppendLine($"Each run lasts {runSeconds} s after a 2 s warm-up. The per-client rate limit is raised for the run (it is a policy,")
    .AppendLine("not the capacity). Server and benchmark run with idle thread pool workers not spinning (the server's own setting).")
    .AppendLine("Bar (issue 5): at least 3,000 balance reads per second with p99 under 15 ms at concurrency 16.").AppendLine()
    .AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-ddTHH:mmZ}")
    .AppendLine($"- Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}").AppendLine()
    .AppendLine("CPU columns: CPU time per request, in µs, of the server, of PostgreSQL and of the benchmark's own clients.").AppendLine()
    .AppendLine("| dataset | scenario | concurrency | requests/s | p50 ms | p99 ms | errors | server CPU | PostgreSQL CPU | client CPU |")
    .AppendLine("|---|---|---|---|---|---|---|---|---|---|");

// BANKLINK_BENCH_QUICK: balance reads at concurrency 16 on the demo data only, for trying a change.
var quick = Environment.GetEnvironmentVariable("BANKLINK_BENCH_QUICK") is not null;

async Task RunScenariosAsync(string dataset)
{
    foreach (var (name, path) in quick ? [("balance read", $"/accounts/{ordinary}/balance")]
                 : new[] { ("balance read", $"/accounts/{ordinary}/balance"), ("transaction page (25)", $"/accounts/{ordinary}/transactions") })
    {
        foreach (var concurrency in quick ? [16] : new[] { 1, 16, 64 })
        {
            // A fresh access token for each run: they live minutes, the benchmark longer.
            var token = await client.RefreshAsync(http, issuer, tanaka.RefreshToken);
            if (quick)
            {
                // The full run warms the JIT with the concurrency-1 run first; a quick one does it here.
                await rig.RunAsync(concurrency, runSeconds, () => client.GetAsync(http, issuer, token, path));
            }

            client.Presign(issuer, token, path, ProofsFor(runSeconds));
            var result = await rig.RunAsync(concurrency, runSeconds, () => client.GetAsync(http, issuer, token, path));
            var row = Row(dataset, name, concurrency, result);
            report.AppendLine(row);
            Console.WriteLine(row);
        }
    }
}

await RunScenariosAsync("demo (6 customers)");
if (quick)
{
    return;
}

Console.WriteLine($"Loading {customers:N0} synthetic customers...");
var loadWatch = Stopwatch.StartNew();
await services.GetRequiredService<BulkSeeder>().SeedAsync(customers);
await using (var analyze = dataSource.CreateCommand("ANALYZE"))
{
    await analyze.ExecuteNonQueryAsync();
}

var transactions = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM ledger.transactions");
Console.WriteLine($"Loaded in {loadWatch.Elapsed.TotalSeconds:F0} s: {transactions:N0} transactions.");
await RunScenariosAsync($"{customers:N0} customers, {transactions:N0} transactions");

// The same page size from an account with 100 lines and one with 100,000 (both within the 13 months offered).
var history = await Provider.CreateHistoryCustomerAsync(dataSource);
var historyLink = await Provider.LinkAsync(http, dataSource, client, issuer, history.CustomerNumber);
var historyAccounts = (await client.GetJsonAsync(http, issuer, historyLink.AccessToken, "/accounts")).GetProperty("accounts").EnumerateArray()
    .Select(a => a.GetProperty("id").GetString()!).ToList();
report.AppendLine().AppendLine("## A history page does not grow with the history").AppendLine()
    .AppendLine("The newest page (25 lines) and a page from the middle of the range (`to` six months back), at concurrency 16.").AppendLine()
    .AppendLine("| account | page | requests/s | p50 ms | p99 ms | errors |").AppendLine("|---|---|---|---|---|---|");
var sixMonthsBack = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(9).AddMonths(-6)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
foreach (var (label, lines) in new[] { ("100 lines", 100), ("100,000 lines", 100_000) })
{
    foreach (var (page, query) in new[] { ("newest", ""), ("six months back", $"?to={sixMonthsBack}") })
    {
        var accountId = await MatchAccountAsync(client, http, issuer, historyLink.AccessToken, historyAccounts, lines);
        var token = await client.RefreshAsync(http, issuer, historyLink.RefreshToken);
        client.Presign(issuer, token, $"/accounts/{accountId}/transactions{query}", ProofsFor(runSeconds));
        var result = await rig.RunAsync(16, runSeconds, () => client.GetAsync(http, issuer, token, $"/accounts/{accountId}/transactions{query}"));
        var row = string.Create(CultureInfo.InvariantCulture, $"| {label} | {page} | {result.RequestsPerSecond:F0} | {result.P50:F1} | {result.P99:F1} | {result.Errors} |");
        report.AppendLine(row);
        Console.WriteLine(row);
    }
}

await File.WriteAllTextAsync(resultsFile, report.ToString());
Console.WriteLine(report);

// Which of the history customer's two provider-facing account ids has the given number of lines.
static async Task<string> MatchAccountAsync(Provider client, HttpClient http, string issuer, string accessToken, List<string> ids, int lines)
{
    foreach (var id in ids)
    {
        var page = await client.GetJsonAsync(http, issuer, accessToken, $"/accounts/{id}/transactions?limit=1000");
        var count = page.GetProperty("transactions").GetArrayLength();
        if ((lines <= 1000 && count == lines) || (lines > 1000 && count == 1000))
        {
            return id;
        }
    }

    throw new InvalidOperationException($"No account with {lines} lines.");
}

// Enough proofs for a 2-s warm-up and the run at up to 6,000 requests a second; beyond that they are signed as sent.
static int ProofsFor(int runSeconds) => (runSeconds + 2) * 6_000;

string Row(string dataset, string name, int concurrency, Result r) =>
    string.Create(CultureInfo.InvariantCulture, $"| {dataset} | {name} | {concurrency} | {r.RequestsPerSecond:F0} | {r.P50:F1} | {r.P99:F1} | {r.Errors} | {r.ServerMicros:F0} | {r.PostgresMicros:F0} | {r.ClientMicros:F0} |");

static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    return (T)(await command.ExecuteScalarAsync())!;
}

internal sealed record LinkTokens(string AccessToken, string RefreshToken);

internal sealed record HistoryCustomer(string CustomerNumber);

/// <summary>A provider's client as a certified library would behave: keys imported once, a fresh assertion and proof per request.</summary>
internal sealed class Provider(string clientId, Jwk clientKey)
{
    private readonly Jwk _dpopKey = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), null, includePrivate: true);
    private Jwk? _dpopPublic;

    public string ClientId => clientId;

    /// <summary>
    /// A grant of every linkable account of the customer, made in the database as the consent page would (the front channel is
    /// not what is measured), and its code exchanged for tokens through the real token endpoint.
    /// </summary>
    public static async Task<LinkTokens> LinkAsync(HttpClient http, NpgsqlDataSource dataSource, Provider client, string issuer, string customerNumber)
    {
        var grantId = Guid.NewGuid();
        await using (var command = dataSource.CreateCommand("""
            WITH g AS (
                INSERT INTO grants (id, client_id, provider_id, customer_id, scope, status, created_at, updated_at, expires_at)
                SELECT $1, $2, $3, id, 'openid balance transactions', 'active', now(), now(), now() + interval '90 days' FROM customers WHERE customer_number = $4
                RETURNING id)
            INSERT INTO grant_accounts (grant_id, account_id)
            SELECT g.id, a.id FROM g, ledger.accounts a
            WHERE a.customer_number = $4 AND a.kind IN ('ordinary', 'savings', 'card_loan') AND a.status = 'open' AND a.has_pin_card
            """))
        {
            command.Parameters.AddWithValue(grantId);
            command.Parameters.AddWithValue(client.ClientId);
            command.Parameters.AddWithValue(SandboxProvider.Id);
            command.Parameters.AddWithValue(customerNumber);
            await command.ExecuteNonQueryAsync();
        }

        var code = OpaqueToken.Create(TokenKind.AuthorizationCode);
        await using (var command = dataSource.CreateCommand("""
            INSERT INTO tokens (id, token_hash, kind, client_id, grant_id, scope, status, created_at, expires_at, payload)
            VALUES ($1, $2, 'authorization_code', $3, $4, 'openid balance transactions', 'active', now(), now() + interval '1 minute', $5::jsonb)
            """))
        {
            command.Parameters.AddWithValue(Guid.NewGuid());
            command.Parameters.AddWithValue(OpaqueToken.Hash(code));
            command.Parameters.AddWithValue(client.ClientId);
            command.Parameters.AddWithValue(grantId);
            command.Parameters.AddWithValue(new JsonObject
            {
                ["redirect_uri"] = BenchClient.RedirectUri, ["code_challenge"] = BenchClient.Challenge, ["auth_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["amr"] = new JsonArray("pwd", "otp", "mfa"),
            }.ToJsonString());
            await command.ExecuteNonQueryAsync();
        }

        var response = await client.PostTokenAsync(http, issuer, [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", BenchClient.RedirectUri), new("code_verifier", BenchClient.Verifier)]);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode
            ? new LinkTokens(body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!)
            : throw new InvalidOperationException("Code exchange failed: " + body);
    }

    /// <summary>A customer with two ordinary accounts: one with 100 lines of history, one with 100,000, all within the last 12 months.</summary>
    public static async Task<HistoryCustomer> CreateHistoryCustomerAsync(NpgsqlDataSource dataSource)
    {
        const string number = "7000000001";
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var customer = new NpgsqlCommand("""
            INSERT INTO customers (id, customer_number, login_id, display_name, display_name_kana, password_hash, confirmation_pin_hash, status, is_synthetic, created_at)
            SELECT gen_random_uuid(), $1, 'history01', '履歴 太郎', 'リレキ タロウ', password_hash, confirmation_pin_hash, 'active', true, now() FROM customers WHERE login_id = 'tanaka01'
            """, connection))
        {
            customer.Parameters.AddWithValue(number);
            await customer.ExecuteNonQueryAsync();
        }

        foreach (var (accountNumber, lines) in new[] { ("7000001", 100), ("7000002", 100_000) })
        {
            var accountId = Guid.NewGuid();
            await using (var account = new NpgsqlCommand("""
                INSERT INTO ledger.accounts (id, customer_number, branch_code, kind, account_number, product_name, status, has_pin_card, opened_on,
                                             opening_balance, balance, credit_limit, annual_rate_bp, balance_as_of)
                SELECT $1, $2, min(code), 'ordinary', $3, '普通預金', 'open', true, current_date - 400, $4, $4, NULL, 1, now() FROM ledger.branches
                """, connection))
            {
                account.Parameters.AddWithValue(accountId);
                account.Parameters.AddWithValue(number);
                account.Parameters.AddWithValue(accountNumber);
                account.Parameters.AddWithValue((long)lines * 1000);
                await account.ExecuteNonQueryAsync();
            }

            await using var importer = await connection.BeginBinaryImportAsync(
                "COPY ledger.transactions (account_id, seq, booking_date, value_date, amount, direction, balance_after, description, type) FROM STDIN (FORMAT BINARY)");
            var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(9));
            for (var seq = 1; seq <= lines; seq++)
            {
                // Spread over the last 360 days, oldest first, so seq grows with the booking date.
                var day = today.AddDays(-360 + (int)((long)(seq - 1) * 360 / lines));
                await importer.StartRowAsync();
                await importer.WriteAsync(accountId, NpgsqlTypes.NpgsqlDbType.Uuid);
                await importer.WriteAsync(seq, NpgsqlTypes.NpgsqlDbType.Integer);
                await importer.WriteAsync(day, NpgsqlTypes.NpgsqlDbType.Date);
                await importer.WriteAsync(day, NpgsqlTypes.NpgsqlDbType.Date);
                await importer.WriteAsync(1000L, NpgsqlTypes.NpgsqlDbType.Bigint);
                await importer.WriteAsync("credit", NpgsqlTypes.NpgsqlDbType.Varchar);
                await importer.WriteAsync((long)seq * 1000, NpgsqlTypes.NpgsqlDbType.Bigint);
                await importer.WriteAsync("ベンチマーク入金", NpgsqlTypes.NpgsqlDbType.Varchar);
                await importer.WriteAsync("deposit", NpgsqlTypes.NpgsqlDbType.Varchar);
            }

            await importer.CompleteAsync();
        }

        return new HistoryCustomer(number);
    }

    public async Task<string> RefreshAsync(HttpClient http, string issuer, string refreshToken)
    {
        var response = await PostTokenAsync(http, issuer, [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)]);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? body.GetProperty("access_token").GetString()! : throw new InvalidOperationException("Refresh failed: " + body);
    }

    public async Task<bool> GetAsync(HttpClient http, string issuer, string accessToken, string pathAndQuery)
    {
        using var response = await SendAsync(http, issuer, accessToken, pathAndQuery);
        await response.Content.LoadIntoBufferAsync();
        return response.IsSuccessStatusCode;
    }

    public async Task<JsonElement> GetJsonAsync(HttpClient http, string issuer, string accessToken, string pathAndQuery)
    {
        using var response = await SendAsync(http, issuer, accessToken, pathAndQuery);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode ? body : throw new InvalidOperationException($"{pathAndQuery}: {(int)response.StatusCode} {body}");
    }

    private System.Collections.Concurrent.ConcurrentQueue<string> _presigned = new();
    private string _presignedFor = "";

    /// <summary>
    /// Signs <paramref name="count"/> proofs for GET <paramref name="pathAndQuery"/> with this token before a timed run:
    /// a provider signs on its own machines, so the benchmark keeps its ES256 signing off the server's two cores
    /// while it measures. Each proof is fresh (its own jti, iat now; the server accepts 60 s) and used once.
    /// </summary>
    public void Presign(string issuer, string accessToken, string pathAndQuery, int count)
    {
        var proofs = new string[count];
        Parallel.For(0, count, i => proofs[i] = GetProof(issuer, accessToken, pathAndQuery));
        _presigned = new(proofs);
        _presignedFor = accessToken + " " + pathAndQuery;
    }

    private string GetProof(string issuer, string accessToken, string pathAndQuery)
    {
        var path = pathAndQuery.Split('?')[0];
        var ath = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return Proof(new JsonObject { ["jti"] = Guid.NewGuid().ToString(), ["htm"] = "GET", ["htu"] = issuer + path, ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["ath"] = ath });
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient http, string issuer, string accessToken, string pathAndQuery)
    {
        var proof = _presignedFor == accessToken + " " + pathAndQuery && _presigned.TryDequeue(out var presigned)
            ? presigned
            : GetProof(issuer, accessToken, pathAndQuery);
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization", "DPoP " + accessToken);
        request.Headers.Add("DPoP", proof);
        return await http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostTokenAsync(HttpClient http, string issuer, List<KeyValuePair<string, string>> form)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var assertion = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, KeyId = clientKey.Kid },
            new JsonObject { ["iss"] = clientId, ["sub"] = clientId, ["aud"] = issuer, ["jti"] = Guid.NewGuid().ToString(), ["iat"] = now, ["exp"] = now + 60 }, clientKey);
        form.Add(new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        form.Add(new("client_assertion", assertion));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("DPoP", Proof(new JsonObject { ["jti"] = Guid.NewGuid().ToString(), ["htm"] = "POST", ["htu"] = issuer + "/connect/token", ["iat"] = now }));
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private string Proof(JsonObject claims)
    {
        _dpopPublic ??= _dpopKey.ToPublicKey();
        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, Type = "dpop+jwt", EmbeddedKey = _dpopPublic }, claims, _dpopKey);
    }
}
