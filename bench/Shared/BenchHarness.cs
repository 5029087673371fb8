// What the benchmarks share: the real server as a child process on its own PostgreSQL with the demo bank, a client
// registered as a provider registers, a closed-loop load with latency percentiles, and CPU accounting per process
// (server, PostgreSQL, the benchmark itself). Compiled into each benchmark.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BankLink.Data;
using BankLink.Data.Postgres;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Jose;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

internal sealed record Result(double RequestsPerSecond, double P50, double P99, int Errors, double ServerMicros, double PostgresMicros, double ClientMicros);

internal static class BenchHarness
{
    /// <summary>
    /// <paramref name="concurrency"/> loops send requests back to back for <paramref name="seconds"/> after a 2 s warm-up;
    /// requests per second, p50 and p99 latency, errors, and CPU per request of the server, PostgreSQL and this process.
    /// </summary>
    public static async Task<Result> RunAsync(Process server, EmbeddedPostgresCluster cluster, int concurrency, int seconds, Func<Task<bool>> request)
    {
        async Task<(List<double>, int)> Loop(TimeSpan length)
        {
            var latencies = new List<double>();
            var errors = 0;
            var stop = Stopwatch.StartNew();
            while (stop.Elapsed < length)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await request();
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                errors += ok ? 0 : 1;
            }

            return (latencies, errors);
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Loop(TimeSpan.FromSeconds(2))));
        var before = CpuSeconds(server, cluster);
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Loop(TimeSpan.FromSeconds(seconds))));
        var elapsed = watch.Elapsed.TotalSeconds;
        var after = CpuSeconds(server, cluster);
        var all = results.SelectMany(r => r.Item1).Order().ToList();
        return new Result(all.Count / elapsed, Percentile(all, 0.50), Percentile(all, 0.99), results.Sum(r => r.Item2),
            (after.Server - before.Server) / all.Count * 1e6, (after.Postgres - before.Postgres) / all.Count * 1e6, (after.Client - before.Client) / all.Count * 1e6);
    }

    /// <summary>CPU used so far by the server, by PostgreSQL (the postmaster, its live backends and the reaped ones) and by this benchmark.</summary>
    public static (double Server, double Postgres, double Client) CpuSeconds(Process server, EmbeddedPostgresCluster cluster)
    {
        server.Refresh();
        var postmaster = int.Parse(File.ReadLines(Path.Combine(cluster.DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        double postgres = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                // Fields after the command name (which may hold spaces): state is field 3, ppid 4, utime 14 .. cstime 17.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = pid == postmaster ? fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture))
                    : int.Parse(fields[1], CultureInfo.InvariantCulture) == postmaster ? fields[11..13].Sum(f => long.Parse(f, CultureInfo.InvariantCulture)) : 0;
                postgres += ticks / 100.0;
            }
            catch (IOException)
            {
                // A backend that ended while being read; its time is now in the postmaster's cutime.
            }
        }

        return (server.TotalProcessorTime.TotalSeconds, postgres, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
    }

    public static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Release server on <paramref name="port"/> against <paramref name="connectionString"/>, with extra settings as arguments.</summary>
    public static Process StartServer(string dll, string connectionString, int port, string workingDirectory, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--contentRoot", Path.GetDirectoryName(dll)!, "--urls", $"http://127.0.0.1:{port}", $"--BankLink:Issuer=http://127.0.0.1:{port}" }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__BankLink"] = connectionString;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("BankLink did not become ready.");
    }
}

/// <summary>
/// What a benchmark runs against: a temporary directory, its own durable PostgreSQL, the Release server on a free loopback
/// port (ready to serve), an HTTP client for it, and the data services over the same database with the demo bank seeded.
/// Disposing stops the server, destroys the cluster and deletes the directory.
/// </summary>
internal sealed class BenchRig : IAsyncDisposable
{
    private BenchRig(DirectoryInfo work, EmbeddedPostgresCluster cluster, Process server, string issuer, HttpClient http, ServiceProvider services)
    {
        Work = work;
        Cluster = cluster;
        Server = server;
        Issuer = issuer;
        Http = http;
        Services = services;
    }

    public DirectoryInfo Work { get; }

    public EmbeddedPostgresCluster Cluster { get; }

    public Process Server { get; }

    public string Issuer { get; }

    public HttpClient Http { get; }

    public ServiceProvider Services { get; }

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>
    /// Starts it all for the server <paramref name="serverDll"/>, in a temporary directory named from <paramref name="workPrefix"/>,
    /// the HTTP client's pooled connections living <paramref name="connectionLifetime"/>, and extra server settings as arguments.
    /// </summary>
    public static async Task<BenchRig> StartAsync(string serverDll, string workPrefix, TimeSpan connectionLifetime, params string[] settings)
    {
        var work = Directory.CreateTempSubdirectory(workPrefix);
        File.SetUnixFileMode(work.FullName, (UnixFileMode)0b111_101_101);

        var cluster = new EmbeddedPostgresCluster(new EmbeddedPostgresOptions { DataDirectory = Path.Combine(work.FullName, "pg"), Durable = true });
        await cluster.StartAsync();
        var port = BenchHarness.FreePort();
        var issuer = $"http://127.0.0.1:{port}";
        var server = BenchHarness.StartServer(serverDll, cluster.ConnectionString, port, work.FullName, settings);
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128, PooledConnectionLifetime = connectionLifetime }) { BaseAddress = new Uri(issuer) };
        ServiceProvider? services = null;
        try
        {
            await BenchHarness.WaitReadyAsync(http);
            services = new ServiceCollection()
                .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
                .AddSingleton(TimeProvider.System)
                .AddOptions<DatabaseOptions>().Services
                .AddBankLinkData(cluster.ConnectionString)
                .AddDemoBank()
                .BuildServiceProvider();
            await services.GetRequiredService<DemoBankSeeder>().SeedAsync();
            return new BenchRig(work, cluster, server, issuer, http, services);
        }
        catch
        {
            http.Dispose();
            await StopAsync(work, cluster, server);
            throw;
        }
    }

    /// <summary><see cref="BenchHarness.RunAsync"/> against this server and PostgreSQL.</summary>
    public Task<Result> RunAsync(int concurrency, int seconds, Func<Task<bool>> request) => BenchHarness.RunAsync(Server, Cluster, concurrency, seconds, request);

    /// <summary>A client of the sandbox provider, registered through the real registration endpoint with a fresh onboarding token.</summary>
    public async Task<(string ClientId, Jwk Key)> RegisterClientAsync()
    {
        var (onboarding, _) = await Services.GetRequiredService<OnboardingTokenStore>().IssueAsync(SandboxProvider.Id, "Benchmark", "bench", CancellationToken.None);
        return await BenchClient.RegisterAsync(Http, onboarding.Value);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync(Work, Cluster, Server);
    }

    private static async Task StopAsync(DirectoryInfo work, EmbeddedPostgresCluster cluster, Process server)
    {
        try
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            await cluster.DestroyAsync();
            work.Delete(recursive: true);
        }
        finally
        {
            server.Dispose();
            await cluster.DisposeAsync();
        }
    }
}

/// <summary>What every benchmark client shares: its redirect URI and PKCE pair, and its registration (ES256, private_key_jwt).</summary>
internal static class BenchClient
{
    public const string RedirectUri = "https://bench.example/cb";
    public const string Verifier = "benchmark-verifier-that-is-long-enough-for-pkce-rules";
    public static readonly string Challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Registers a client with a new signing key through /connect/register; its client id and the key.</summary>
    public static async Task<(string ClientId, Jwk Key)> RegisterAsync(HttpClient http, string onboardingToken)
    {
        var key = Jwk.FromECDsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), "bench", includePrivate: true);
        var metadata = new JsonObject
        {
            ["client_name"] = "Benchmark", ["redirect_uris"] = new JsonArray(RedirectUri), ["token_endpoint_auth_method"] = "private_key_jwt",
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"), ["scope"] = "openid balance transactions",
            ["jwks"] = JsonNode.Parse($$"""{"keys":[{{key.ToPublicJson()}}]}"""),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/register") { Content = new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", onboardingToken);
        var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("client_id").GetString()!, key);
    }
}
