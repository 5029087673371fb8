namespace BankLink.Server.Tests;

/// <summary>Where the repository is, found from the test binaries (the folder holding BankLink.sln).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "BankLink.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("BankLink.sln not found above the test binaries.");
    }
}
