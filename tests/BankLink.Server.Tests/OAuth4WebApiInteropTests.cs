using System.ComponentModel;
using System.Diagnostics;
using BankLink.Data.Stores;
using BankLink.DemoBank;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BankLink.Server.Tests;

/// <summary>
/// BankLink from outside with an independent client library (ARCHITECTURE.md "Why the protocol layer is ours"):
/// tests/interop-oauth4webapi drives the real binary with panva's oauth4webapi in its FAPI 2.0 settings
/// (private_key_jwt, PAR, PKCE S256, DPoP with server nonces, RFC 9207 iss) and a real Chromium, through
/// discovery, registration, login and consent, code exchange, refresh, userinfo, introspection and revocation.
/// </summary>
public sealed class OAuth4WebApiInteropTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(90);
    private const int ServerLogLines = 60;
    private readonly string _workingDirectory = Path.Combine(Path.GetTempPath(), "banklink-interop-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly DemoBankDatabase _database = new();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_workingDirectory);
        await _database.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        Directory.Delete(_workingDirectory, recursive: true);
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task CodeFlow_DrivenByOAuth4WebApiAndChromium_EveryStepPasses()
    {
        var project = InteropProject();
        var port = ServerProcess.FreePort();
        var issuer = $"http://127.0.0.1:{port}";
        await using var server = ServerProcess.Start(port, _workingDirectory, new Dictionary<string, string>
        {
            ["ConnectionStrings__BankLink"] = _database.ConnectionString,
            ["BankLink__Issuer"] = issuer,
            // Server nonces on (RFC 9449 §8), so the client library's use_dpop_nonce retry is exercised too.
            ["BankLink__Dpop__RequireNonce"] = "true",
        });
        await server.WaitUntilReadyAsync(StartTimeout);
        var customer = DemoCustomers.All[0];

        var (exitCode, output) = await RunNodeTestsAsync(project, new Dictionary<string, string>
        {
            ["BANKLINK_ISSUER"] = issuer,
            ["BANKLINK_ONBOARDING_TOKEN"] = await IssueOnboardingTokenAsync(),
            ["BANKLINK_LOGIN_ID"] = customer.LoginId,
            ["BANKLINK_PASSWORD"] = customer.Password,
            ["BANKLINK_OTP_SECRET"] = customer.OtpSecretBase32,
            ["BANKLINK_EXPECT_DPOP_NONCE"] = "true",
        });

        Assert.True(exitCode == 0, $"node --test exited with {exitCode}:\n{output}\n--- BankLink's last log lines ---\n{Tail(server.StandardOutput + server.StandardError, ServerLogLines)}");
        // Approved twice (the flow, and the code tried with another DPoP key), denied once: nothing else touched this database.
        Assert.Equal(2, await _database.ScalarAsync<long>("SELECT count(*) FROM grants"));
    }

    /// <summary>An onboarding token for the sandbox provider, as an operator issues one (README "Commands").</summary>
    private async Task<string> IssueOnboardingTokenAsync()
    {
        await using var services = BankLinkServices.Build(_database.ConnectionString);
        var (token, _) = await services.GetRequiredService<OnboardingTokenStore>().IssueAsync(SandboxProvider.Id, "Interop Test", "test", CancellationToken.None);
        return token.Value;
    }

    /// <summary>tests/interop-oauth4webapi with its packages installed (./test.sh runs npm ci there first).</summary>
    private static string InteropProject()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "BankLink.sln")))
        {
            root = root.Parent;
        }

        Assert.True(root is not null, "BankLink.sln not found above " + AppContext.BaseDirectory);
        var project = Path.Combine(root.FullName, "tests", "interop-oauth4webapi");
        Assert.True(Directory.Exists(Path.Combine(project, "node_modules", "oauth4webapi")),
            $"The interop test's packages are not installed: run 'npm ci --no-audit --no-fund' in {project} (./test.sh does).");
        return project;
    }

    /// <summary>Runs node's test runner in the project; kills it (and its Chromium) when it takes longer than <see cref="NodeTimeout"/>.</summary>
    private static async Task<(int ExitCode, string Output)> RunNodeTestsAsync(string project, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--test");
        start.ArgumentList.Add("--test-reporter=spec");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var node = new Process { StartInfo = start };
        try
        {
            node.Start();
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"Node.js 20 or newer is needed on PATH for the interop test ({e.Message}); ./test.sh checks for it.");
        }

        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(NodeTimeout);
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Assert.Fail($"node --test did not finish within {NodeTimeout}:\n{await stdout}\n{await stderr}");
        }

        return (node.ExitCode, await stdout + await stderr);
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}
