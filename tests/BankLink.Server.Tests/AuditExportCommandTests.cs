using System.Text;
using BankLink.Data.Operations.Audit;
using BankLink.Server.Commands;

namespace BankLink.Server.Tests;

/// <summary><c>audit export</c>: the filtered trail as CSV in a new file, the export itself audited.</summary>
[Collection("Console")]
public sealed class AuditExportCommandTests : OperatorCommandTestBase, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("banklink-export-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Export_CustomerAndTypeFilter_OnlyTheirEventsInACsvFile_ExportAudited()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        var (suzuki, suzukiAccounts) = await CustomerAsync("suzuki02");
        var client = await ClientAsync();
        var grant = await GrantAsync(client, tanaka, accounts[0]);
        var suzukisGrant = await GrantAsync(client, suzuki, suzukiAccounts[0]);
        await RunAsync("customers", "revoke-link", "tanaka01", grant.ToString(), "--reason", "=HYPERLINK(\"x\"), customer asked");
        await RunAsync("customers", "revoke-link", "suzuki02", suzukisGrant.ToString(), "--reason", "customer asked by phone");
        var file = Path.Combine(_directory, "tanaka.csv");

        var (exit, output, _) = await RunAsync("audit", "export", "--out", file, "--customer", "tanaka01", "--type", "link_revoked,grant_created",
            "--operator", CommandActor, "--from", "2000-01-01", "--to", "2999-12-31");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Exported 1 event(s)", output, StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(file);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("id,occurred_at,event_type", lines[0], StringComparison.Ordinal);
        Assert.Contains(",link_revoked,operator," + CommandActor + ",", lines[1], StringComparison.Ordinal);
        Assert.Contains("tanaka01", lines[1], StringComparison.Ordinal);
        Assert.Contains(grant.ToString(), lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(suzukisGrant.ToString(), lines[1], StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var (actor, _) = await LastEventAsync(AuditSearch.AuditExported);
        Assert.Equal(CommandActor, actor);
    }

    [Fact]
    public async Task Export_ProviderAndAccountFilter_Accepted()
    {
        var (tanaka, accounts) = await CustomerAsync("tanaka01");
        await GrantAsync(await ClientAsync(), tanaka, accounts[0]);
        await RunAsync("accounts", "record-state", accounts[0].ToString(), "--state", "frozen", "--reason", "frozen by court order");
        var file = Path.Combine(_directory, "account.csv");

        var (exit, output, _) = await RunAsync("audit", "export", "--out", file, "--provider", "サンドボックス家計簿", "--account", accounts[0].ToString());

        Assert.Equal(ExitCodes.Success, exit);
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("link_account_removed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exported 0 ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ExistingFile_RefusedAndUntouched_NothingAudited()
    {
        var file = Path.Combine(_directory, "kept.csv");
        await File.WriteAllTextAsync(file, "keep me");

        var (exit, _, error) = await RunAsync("audit", "export", "--out", file);

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("exists already", error, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(file));
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'audit_exported'"));
    }

    [Fact]
    public async Task Export_BadFilters_InvalidArgumentsOrRefused_NoFileLeft()
    {
        var file = Path.Combine(_directory, "bad.csv");

        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("audit", "export", "--out", file, "--from", "yesterday")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("audit", "export", "--out", file, "--to", "2026-11-01T09:00:00")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("audit", "export", "--out", file, "--account", "0010000001")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("audit", "export", "--out", file, "--type", "Link-Revoked")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("audit", "export", "--out", file, "--from", "2026-12-01", "--to", "2026-11-01")).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await RunAsync("audit", "export", "--out", file, "--customer", "nobody")).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await RunAsync("audit", "export", "--out", file, "--provider", "No Such Fintech")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("audit", "export")).ExitCode);
        Assert.False(File.Exists(file));
    }
}
