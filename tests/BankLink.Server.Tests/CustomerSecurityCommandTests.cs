using BankLink.DemoBank;
using BankLink.Server.Commands;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary><c>otp-devices import</c> and <c>customers unlock|show</c>, run as the command line runs them.</summary>
[Collection("Console")]
public sealed class CustomerSecurityCommandTests : IAsyncLifetime
{
    private const string Seed1 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private const string Seed2 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    private readonly DemoBankDatabase _database = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("banklink-otp-").FullName;

    public Task InitializeAsync() => _database.InitializeAsync();

    public async Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        await _database.DisposeAsync();
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => ServerCommand.RunMergedAsync(_database.ConnectionString, args);

    private async Task<string> VendorFileAsync(string content)
    {
        var path = Path.Combine(_directory, $"vendor-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    private Task<long> InStockAsync() => _database.ScalarAsync<long>("SELECT count(*) FROM otp_devices WHERE status = 'in_stock'");

    [Fact]
    public async Task Import_GoodFile_LoadsInStockAndNeverPrintsSeeds()
    {
        var file = await VendorFileAsync($"serial_number,secret_base32\n4100000001,{Seed1}\n4100000002,{Seed2}\n");

        var (exit, output) = await RunAsync("otp-devices", "import", file);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Imported 2", output, StringComparison.Ordinal);
        Assert.Equal(2, await InStockAsync());
        Assert.DoesNotContain(Seed1, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Seed2, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_OneBadLine_NothingImported()
    {
        var file = await VendorFileAsync($"serial_number,secret_base32\n4100000001,{Seed1}\n41000,{Seed2}\n4100000003,SHORT\n");

        var (exit, output) = await RunAsync("otp-devices", "import", file);

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("line 3", output, StringComparison.Ordinal);
        Assert.Contains("line 4", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Seed1, output, StringComparison.Ordinal);
        Assert.DoesNotContain(Seed2, output, StringComparison.Ordinal);
        Assert.Equal(0, await InStockAsync());
    }

    [Fact]
    public async Task Import_SerialsAlreadyKnown_ReportedAndSkipped()
    {
        var file = await VendorFileAsync($"serial_number,secret_base32\n4100000001,{Seed1}\n9000000001,{Seed2}\n");
        await RunAsync("otp-devices", "import", file);

        var (exit, output) = await RunAsync("otp-devices", "import", file);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Imported 0", output, StringComparison.Ordinal);
        Assert.Contains("4100000001, 9000000001", output, StringComparison.Ordinal);
        Assert.Equal(1, await InStockAsync());
    }

    [Fact]
    public async Task Unlock_StoppedCustomer_ActiveAgainWithReasonAudited()
    {
        await _database.ExecuteAsync("UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = now() WHERE login_id = 'tanaka01'");

        var (showExit, shown) = await RunAsync("customers", "show", "tanaka01");
        var (exit, output) = await RunAsync("customers", "unlock", "tanaka01", "--reason", "identified at the branch");

        Assert.Equal(ExitCodes.Success, showExit);
        Assert.Contains("stopped (利用中止)", shown, StringComparison.Ordinal);
        Assert.Contains("9000000001", shown, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("active again", output, StringComparison.Ordinal);
        Assert.Equal("active", await _database.ScalarAsync<string>("SELECT status FROM customers WHERE login_id = 'tanaka01'"));
        Assert.Equal(0, await _database.ScalarAsync<int>("SELECT consecutive_failures FROM customers WHERE login_id = 'tanaka01'"));
        Assert.Equal("identified at the branch", await _database.ScalarAsync<string>(
            "SELECT detail::jsonb->>'reason' FROM audit_events WHERE event_type = 'customer_unlocked'"));
    }

    [Fact]
    public async Task Unlock_ActiveOrUnknownCustomer_Refused()
    {
        Assert.Equal(ExitCodes.Refused, (await RunAsync("customers", "unlock", "tanaka01", "--reason", "x")).ExitCode);
        Assert.Equal(ExitCodes.Refused, (await RunAsync("customers", "unlock", "nobody", "--reason", "x")).ExitCode);
    }

    [Fact]
    public async Task Unlock_WithoutReason_InvalidArguments()
    {
        Assert.Equal(ExitCodes.InvalidArguments, (await RunAsync("customers", "unlock", "tanaka01")).ExitCode);
    }
}
