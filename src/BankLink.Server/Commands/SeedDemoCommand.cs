using System.Globalization;
using BankLink.DemoBank;
using BankLink.Server.Database;

namespace BankLink.Server.Commands;

/// <summary><c>seed-demo [--customers N]</c>: loads the sandbox bank (idempotent) and, optionally, bulk synthetic customers.</summary>
internal static class SeedDemoCommand
{
    public static async Task<int> RunAsync(string[] args, int? customers, CancellationToken cancellationToken)
    {
        if (customers is < 1 or > BulkSeeder.MaxCustomers)
        {
            throw new ArgumentOutOfRangeException(nameof(customers));
        }

        await using var host = await CommandHost.CreateAsync(args);
        using var cancel = ConsoleCancellation.Link(cancellationToken);
        await DatabaseStartup.PrepareSchemaAsync(host.Services, cancel.Token);

        var demo = await host.Services.GetRequiredService<DemoBankSeeder>().SeedAsync(cancel.Token);
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Sandbox bank: {demo.CustomersAdded} documented customer(s) added ({DemoCustomers.All.Count - demo.CustomersAdded} already there), {demo.TransactionsAdded:N0} transaction(s)."));

        if (customers is { } count)
        {
            var progress = ConsoleProgress.Create(host.Services);
            var bulk = await host.Services.GetRequiredService<BulkSeeder>().SeedAsync(count, progress, cancellationToken: cancel.Token);
            progress.Finish();
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Synthetic customers: {bulk.CustomersAdded:N0} added ({bulk.CustomersPresent:N0} were there), {bulk.AccountsAdded:N0} account(s), {bulk.TransactionsAdded:N0} transaction(s) in {bulk.Elapsed.TotalSeconds:F1} s."));
        }

        return ExitCodes.Success;
    }
}
