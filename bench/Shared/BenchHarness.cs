// What the benchmarks share: the real server as a child process, a closed-loop load with latency percentiles,
// and CPU accounting per process (server, PostgreSQL, the benchmark itself). Compiled into each benchmark.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BankLink.Data.Postgres;

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
