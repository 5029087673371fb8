using BankLink.Data.Migrations;

namespace BankLink.Server.Commands;

/// <summary><c>migrate</c>: applies pending schema scripts under the migrator's advisory lock, with progress.</summary>
internal static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var host = await CommandHost.CreateAsync(args);
        using var cancel = ConsoleCancellation.Link(cancellationToken);
        var migrator = host.Services.GetRequiredService<Migrator>();
        var progress = ConsoleProgress.Create(host.Services);
        var applied = await migrator.MigrateAsync(progress, cancel.Token);
        progress.Finish();
        await Console.Out.WriteLineAsync(applied.Count == 0
            ? "The schema is current; nothing to apply."
            : $"Applied {applied.Count} migration script(s): {string.Join(", ", applied.Select(a => a.Name))}.");
        return ExitCodes.Success;
    }
}
