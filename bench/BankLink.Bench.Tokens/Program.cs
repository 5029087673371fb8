// Token endpoint benchmark (issue 3): the real server, Release build, on its own PostgreSQL, driven over
// loopback HTTP by clients that sign a fresh client assertion and DPoP proof for every request, as a real
// provider does. Writes bench/results/tokens.md. Usage: dotnet run -c Release -- <server dll> <results file>
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
using BankLink.DemoBank;
using BankLink.Jose;
using BankLink.Protocol.Tokens;
using Npgsql;

var serverDll = Path.GetFullPath(args[0]);
var resultsFile = Path.GetFullPath(args[1]);
var runSeconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
await using var rig = await BenchRig.StartAsync(serverDll, "banklink-tokenbench-", TimeSpan.FromMinutes(10));
var (http, issuer, dataSource) = (rig.Http, rig.Issuer, rig.DataSource);
var (clientId, clientKey) = await rig.RegisterClientAsync();
var client = new Client(clientId, clientKey);
var grantId = await CreateGrantAsync(dataSource, client.ClientId);

var report = new StringBuilder();
report.AppendLine("# Token endpoint benchmark").AppendLine()
    .AppendLine("Rerun with `bench/tokens.sh`. The real server (Release) on its own PostgreSQL (durable settings), over loopback HTTP;")
    .AppendLine("every request carries a freshly signed ES256 client assertion (private_key_jwt) and DPoP proof, made by the benchmark")
    .AppendLine("on the same 2 cores (each client imports its keys once, as a client library keeps its key objects). Each run lasts " + runSeconds + " s after a 2 s warm-up.")
    .AppendLine("Bar (issue 3): at least 1,000 refresh-token grants per second with p99 under 25 ms at concurrency 16.").AppendLine()
    .AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-ddTHH:mmZ}")
    .AppendLine($"- Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}").AppendLine()
    .AppendLine("CPU columns: CPU time per request, in µs, of the server, of PostgreSQL and of the benchmark's own clients")
    .AppendLine("(at concurrency 1 they include the thread pools spinning while they wait for the next request).").AppendLine()
    .AppendLine("| scenario | concurrency | requests/s | p50 ms | p99 ms | errors | server CPU | PostgreSQL CPU | client CPU |").AppendLine("|---|---|---|---|---|---|---|---|---|");

var refreshToken = await client.ExchangeAsync(http, await InsertCodeAsync(dataSource, client.ClientId, grantId), issuer) ?? throw new InvalidOperationException("The first code exchange failed.");
var quick = Environment.GetEnvironmentVariable("BANKLINK_BENCH_QUICK") is not null;
foreach (var concurrency in quick ? new[] { 16 } : new[] { 1, 16, 64 })
{
    var refresh = await rig.RunAsync(concurrency, runSeconds, () => client.RefreshAsync(http, refreshToken, issuer));
    report.AppendLine(Row("refresh_token grant", concurrency, refresh));
    Console.WriteLine(Row("refresh_token grant", concurrency, refresh));
}

foreach (var concurrency in quick ? [] : new[] { 1, 16, 64 })
{
    // Codes are made in the database just before each run (they live 60 s): the front channel is not what is measured.
    var codes = new ConcurrentQueue<string>(await InsertCodesAsync(dataSource, client.ClientId, grantId, 1500 * (runSeconds + 2)));
    var exchange = await rig.RunAsync(concurrency, runSeconds, async () =>
    {
        if (!codes.TryDequeue(out var code))
        {
            return false;
        }

        return await client.ExchangeAsync(http, code, issuer) is not null;
    });
    report.AppendLine(Row("authorization_code grant", concurrency, exchange));
    Console.WriteLine(Row("authorization_code grant", concurrency, exchange));
}

report.AppendLine().AppendLine("## Where the time goes (single thread, in process)").AppendLine()
    .AppendLine("| operation | µs per call |").AppendLine("|---|---|");
foreach (var (name, micros) in Micro())
{
    report.AppendLine($"| {name} | {micros:F1} |");
}

await File.WriteAllTextAsync(resultsFile, report.ToString());
Console.WriteLine(report);

static string Row(string name, int concurrency, Result r) =>
    string.Create(CultureInfo.InvariantCulture, $"| {name} | {concurrency} | {r.RequestsPerSecond:F0} | {r.P50:F1} | {r.P99:F1} | {r.Errors} | {r.ServerMicros:F0} | {r.PostgresMicros:F0} | {r.ClientMicros:F0} |");

static IEnumerable<(string, double)> Micro()
{
    var key = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), null, includePrivate: true);
    var claims = new JsonObject { ["jti"] = "x", ["htm"] = "POST", ["htu"] = "http://127.0.0.1/connect/token", ["iat"] = 1 };
    var header = new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, Type = "dpop+jwt", EmbeddedKey = key.ToPublicKey() };
    var proof = JwsWriter.Sign(header, claims, key);
    yield return ("ES256 DPoP proof: sign (client side, key imported once)", Time(2_000, () => JwsWriter.Sign(header, claims, key)));
    yield return ("ES256 DPoP proof: parse, verify, thumbprint (server side, key seen before)", Time(2_000, () => DpopProof.TryRead(proof, JwsAlgorithms.Fapi2, out _, out _)));

    // A key the server has not seen: its point is validated on import (a scalar multiplication) before the signature check.
    var fresh = new Queue<string>(Enumerable.Range(0, 2_200).Select(_ =>
    {
        var k = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), null, includePrivate: true);
        return JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, Type = "dpop+jwt", EmbeddedKey = k.ToPublicKey() }, claims, k);
    }));
    yield return ("ES256 DPoP proof: parse, verify, thumbprint (server side, first sight of the key)", Time(2_000, () => DpopProof.TryRead(fresh.Dequeue(), JwsAlgorithms.Fapi2, out _, out _)));

    var signingKey = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), "server", includePrivate: true);
    var idToken = new JsonObject { ["iss"] = "http://127.0.0.1", ["sub"] = new string('s', 43), ["aud"] = "client", ["iat"] = 1, ["exp"] = 2, ["auth_time"] = 1, ["nonce"] = "n", ["at_hash"] = new string('h', 22) };
    yield return ("ID token: build and sign ES256 (token issuance)", Time(2_000, () => JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, KeyId = "server", Type = "JWT" }, idToken, signingKey)));
    yield return ("opaque token: create and SHA-256 (token issuance)", Time(50_000, () => OpaqueToken.Hash(OpaqueToken.Create(TokenKind.AccessToken))));
}

static double Time(int iterations, Action action)
{
    for (var i = 0; i < iterations / 10; i++)
    {
        action();
    }

    var watch = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++)
    {
        action();
    }

    return watch.Elapsed.TotalMicroseconds / iterations;
}

static async Task<Guid> CreateGrantAsync(NpgsqlDataSource dataSource, string clientId)
{
    var grantId = Guid.NewGuid();
    await using var command = dataSource.CreateCommand("""
        INSERT INTO grants (id, client_id, provider_id, customer_id, scope, status, created_at, updated_at, expires_at)
        SELECT $1, $2, $3, id, 'openid balance', 'active', now(), now(), now() + interval '90 days' FROM customers WHERE login_id = 'tanaka01'
        """);
    command.Parameters.AddWithValue(grantId);
    command.Parameters.AddWithValue(clientId);
    command.Parameters.AddWithValue(SandboxProvider.Id);
    await command.ExecuteNonQueryAsync();
    return grantId;
}

static async Task<string> InsertCodeAsync(NpgsqlDataSource dataSource, string clientId, Guid grantId) => (await InsertCodesAsync(dataSource, clientId, grantId, 1))[0];

static async Task<List<string>> InsertCodesAsync(NpgsqlDataSource dataSource, string clientId, Guid grantId, int count)
{
    var codes = Enumerable.Range(0, count).Select(_ => OpaqueToken.Create(TokenKind.AuthorizationCode)).ToList();
    await using var connection = await dataSource.OpenConnectionAsync();
    await using var importer = await connection.BeginBinaryImportAsync("COPY tokens (id, token_hash, kind, client_id, grant_id, scope, status, created_at, expires_at, payload) FROM STDIN (FORMAT BINARY)");
    var payload = new JsonObject { ["redirect_uri"] = BenchClient.RedirectUri, ["code_challenge"] = BenchClient.Challenge, ["auth_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["nonce"] = "n" }.ToJsonString();
    foreach (var code in codes)
    {
        await importer.StartRowAsync();
        await importer.WriteAsync(Guid.NewGuid(), NpgsqlTypes.NpgsqlDbType.Uuid);
        await importer.WriteAsync(OpaqueToken.Hash(code), NpgsqlTypes.NpgsqlDbType.Bytea);
        await importer.WriteAsync("authorization_code", NpgsqlTypes.NpgsqlDbType.Varchar);
        await importer.WriteAsync(clientId, NpgsqlTypes.NpgsqlDbType.Varchar);
        await importer.WriteAsync(grantId, NpgsqlTypes.NpgsqlDbType.Uuid);
        await importer.WriteAsync("openid balance", NpgsqlTypes.NpgsqlDbType.Varchar);
        await importer.WriteAsync("active", NpgsqlTypes.NpgsqlDbType.Varchar);
        await importer.WriteAsync(DateTimeOffset.UtcNow, NpgsqlTypes.NpgsqlDbType.TimestampTz);
        await importer.WriteAsync(DateTimeOffset.UtcNow.AddMinutes(5), NpgsqlTypes.NpgsqlDbType.TimestampTz);
        await importer.WriteAsync(payload, NpgsqlTypes.NpgsqlDbType.Jsonb);
    }

    await importer.CompleteAsync();
    return codes;
}

/// <summary>A provider's client as a certified library would behave: fresh assertion and proof per request.</summary>
internal sealed class Client(string clientId, Jwk clientKey)
{
    private readonly Jwk _dpopKey = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), null, includePrivate: true);

    public string ClientId => clientId;

    public async Task<string?> ExchangeAsync(HttpClient http, string code, string issuer)
    {
        var response = await PostAsync(http, issuer, [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", BenchClient.RedirectUri), new("code_verifier", BenchClient.Verifier)]);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString() : null;
    }

    public async Task<bool> RefreshAsync(HttpClient http, string refreshToken, string issuer) =>
        (await PostAsync(http, issuer, [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)])).IsSuccessStatusCode;

    private async Task<HttpResponseMessage> PostAsync(HttpClient http, string issuer, List<KeyValuePair<string, string>> form)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var assertion = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, KeyId = clientKey.Kid },
            new JsonObject { ["iss"] = clientId, ["sub"] = clientId, ["aud"] = issuer, ["jti"] = Guid.NewGuid().ToString(), ["iat"] = now, ["exp"] = now + 60 }, clientKey);
        var proof = JwsWriter.Sign(new JwsHeaderParameters { Algorithm = JwsAlgorithm.ES256, Type = "dpop+jwt", EmbeddedKey = _dpopKey.ToPublicKey() },
            new JsonObject { ["jti"] = Guid.NewGuid().ToString(), ["htm"] = "POST", ["htu"] = issuer + "/connect/token", ["iat"] = now }, _dpopKey);
        form.Add(new("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        form.Add(new("client_assertion", assertion));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("DPoP", proof);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
