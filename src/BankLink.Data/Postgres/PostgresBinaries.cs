using System.Diagnostics;

namespace BankLink.Data.Postgres;

/// <summary>Finds the PostgreSQL server binaries (initdb, pg_ctl, postgres) on this machine.</summary>
public sealed class PostgresBinaries
{
    private static readonly string[] RequiredTools = ["initdb", "pg_ctl", "postgres"];

    private PostgresBinaries(string directory) => Directory = directory;

    /// <summary>The folder holding initdb, pg_ctl and postgres.</summary>
    public string Directory { get; }

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>
    /// Looks, in order, in the configured folder, <c>pg_config --bindir</c>, PATH, then
    /// <c>/usr/lib/postgresql/*/bin</c> (newest major version first). Debian ships the server
    /// binaries outside PATH, which is why the last place matters.
    /// </summary>
    /// <exception cref="PostgresBinariesNotFoundException">No folder holds all three tools.</exception>
    public static PostgresBinaries Locate(string? configuredDirectory = null)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configuredDirectory))
        {
            // A configured folder is a promise: do not silently fall back to another PostgreSQL.
            return HasAllTools(configuredDirectory)
                ? new PostgresBinaries(Path.GetFullPath(configuredDirectory))
                : throw new PostgresBinariesNotFoundException(
                    $"The configured PostgreSQL binaries folder '{configuredDirectory}' does not hold initdb, pg_ctl and postgres.");
        }

        if (PgConfigBinDir() is { } fromPgConfig)
        {
            candidates.Add(fromPgConfig);
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var initdb = Path.Combine(dir, "initdb");
            if (File.Exists(initdb))
            {
                // /usr/local/bin/initdb is often a link into the real bin folder that also holds pg_ctl.
                var target = new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb;
                candidates.Add(Path.GetDirectoryName(target)!);
                candidates.Add(dir);
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (System.IO.Directory.Exists(debianRoot))
        {
            candidates.AddRange(System.IO.Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .OrderByDescending(c => c.Major)
                .Select(c => c.Dir));
        }

        var found = candidates.FirstOrDefault(HasAllTools);
        return found is not null
            ? new PostgresBinaries(Path.GetFullPath(found))
            : throw new PostgresBinariesNotFoundException(
                "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in pg_config --bindir, PATH or /usr/lib/postgresql/*/bin.");
    }

    private static bool HasAllTools(string directory) =>
        RequiredTools.All(tool => File.Exists(Path.Combine(directory, tool)));

    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config is not installed: try the next place.
        }
    }
}

/// <summary>Raised when no PostgreSQL server binaries can be found; the message says what to install.</summary>
public sealed class PostgresBinariesNotFoundException(string reason) : Exception(
    reason + Environment.NewLine +
    "BankLink runs its own PostgreSQL when no ConnectionStrings:BankLink is configured, and needs the server binaries for that." + Environment.NewLine +
    "Install them:  apt-get install postgresql   (Debian/Ubuntu; any PostgreSQL 14 or newer works)," + Environment.NewLine +
    "or point BankLink at an existing server:  ConnectionStrings__BankLink='Host=...;Database=banklink;Username=...;Password=...'");
