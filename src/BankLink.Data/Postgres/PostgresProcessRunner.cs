using System.Diagnostics;
using System.Text;

namespace BankLink.Data.Postgres;

/// <summary>
/// Runs PostgreSQL's tools, as an unprivileged user when this process is root: PostgreSQL refuses to
/// run as root, and CI and fresh machines often are root.
/// </summary>
internal sealed class PostgresProcessRunner
{
    private PostgresProcessRunner(string? runAsUser) => RunAsUser = runAsUser;

    /// <summary>The user the tools run as, or null for the current user.</summary>
    public string? RunAsUser { get; }

    public static PostgresProcessRunner ForCurrentProcess()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return new PostgresProcessRunner(null);
        }

        // Debian's postgresql package creates the 'postgres' system user; 'nobody' exists everywhere.
        var user = UserExists("postgres") ? "postgres" : "nobody";
        return new PostgresProcessRunner(user);
    }

    /// <summary>Gives a file or folder (with <paramref name="recursive"/>, everything in it) to the user the tools run as.</summary>
    public async Task GiveOwnershipAsync(string path, bool recursive, CancellationToken cancellationToken)
    {
        if (RunAsUser is null)
        {
            return;
        }

        var result = await RunRawAsync("chown", recursive ? ["-R", $"{RunAsUser}:", path] : [$"{RunAsUser}:", path], cancellationToken);
        result.ThrowIfFailed("chown");
    }

    /// <summary>Checks that the tools' user can reach a folder (every parent needs search permission).</summary>
    public async Task<bool> CanReachAsync(string path, CancellationToken cancellationToken)
    {
        if (RunAsUser is null)
        {
            return true;
        }

        var result = await RunAsync("test", ["-x", path], cancellationToken);
        return result.ExitCode == 0;
    }

    public Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        RunAsUser is null
            ? RunRawAsync(fileName, arguments, cancellationToken)
            : RunRawAsync("runuser", ["-u", RunAsUser, "--", fileName, .. arguments], cancellationToken);

    private static bool UserExists(string name) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(name + ":", StringComparison.Ordinal));

    private static async Task<ProcessResult> RunRawAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // PostgreSQL's tools read these; an inherited value must not redirect them to another cluster.
        startInfo.Environment.Remove("PGDATA");
        startInfo.Environment.Remove("PGPORT");
        startInfo.Environment.Remove("PGHOST");
        startInfo.Environment["LC_ALL"] = "C.UTF-8";

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken);
        lock (output)
        {
            return new ProcessResult(fileName, process.ExitCode, output.ToString());
        }
    }
}

/// <summary>What a PostgreSQL tool printed and how it ended.</summary>
internal sealed record ProcessResult(string FileName, int ExitCode, string Output)
{
    public void ThrowIfFailed(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed with exit code {ExitCode}:{Environment.NewLine}{Output.Trim()}");
        }
    }
}
