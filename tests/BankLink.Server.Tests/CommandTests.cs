using BankLink.DemoBank;
using BankLink.Server.Commands;
using BankLink.Testing;

namespace BankLink.Server.Tests;

/// <summary>The binary's commands, run in-process exactly as the command line would run them.</summary>
public sealed class CommandTests : IAsyncLifetime
{
    private readonly EmptyDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private string ConnectionArgument => "--ConnectionStrings:BankLink=" + _database.ConnectionString;

    private static Task<int> RunAsync(params string[] args) => ServerCommand.InvokeAsync(args);

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesScriptsThenIsANoOp()
    {
        Assert.Equal(ExitCodes.Success, await RunAsync("migrate", ConnectionArgument));
        Assert.Equal(ExitCodes.Success, await RunAsync("migrate", ConnectionArgument));

        Assert.Equal(Data.Migrations.MigrationScript.Embedded.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrate_AppliedScriptEdited_ExitCodeSchemaRefused()
    {
        await RunAsync("migrate", ConnectionArgument);
        await _database.ExecuteAsync("UPDATE schema_migrations SET checksum = repeat('f', 64) WHERE version = 1");

        Assert.Equal(ExitCodes.SchemaRefused, await RunAsync("migrate", ConnectionArgument));
    }

    [Fact]
    public async Task SeedDemo_EmptyDatabase_MigratesAndSeedsThenIsIdempotent()
    {
        Assert.Equal(ExitCodes.Success, await RunAsync("seed-demo", ConnectionArgument));
        var transactions = await _database.ScalarAsync<long>("SELECT count(*) FROM ledger.transactions");
        Assert.Equal(ExitCodes.Success, await RunAsync("seed-demo", ConnectionArgument));

        Assert.Equal(DemoCustomers.All.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM customers"));
        Assert.Equal(transactions, await _database.ScalarAsync<long>("SELECT count(*) FROM ledger.transactions"));
    }

    [Fact]
    public async Task SeedDemo_WithCustomers_AddsSyntheticCustomers()
    {
        Assert.Equal(ExitCodes.Success, await RunAsync("seed-demo", "--customers", "40", ConnectionArgument));

        Assert.Equal(40, await _database.ScalarAsync<long>("SELECT count(*) FROM customers WHERE is_synthetic"));
        Assert.Equal(DemoCustomers.All.Count, await _database.ScalarAsync<long>("SELECT count(*) FROM customers WHERE NOT is_synthetic"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("2000001")]
    public async Task SeedDemo_CustomersOutOfRange_InvalidArgumentsAndNothingWritten(string customers)
    {
        Assert.Equal(ExitCodes.InvalidArguments, await RunAsync("seed-demo", "--customers", customers, ConnectionArgument));

        Assert.False(await _database.ScalarAsync<bool>("SELECT to_regclass('customers') IS NOT NULL"));
    }

    [Fact]
    public async Task SeedDemo_CustomersNotANumber_InvalidArguments()
    {
        Assert.Equal(ExitCodes.InvalidArguments, await RunAsync("seed-demo", "--customers", "many", ConnectionArgument));
    }

    [Fact]
    public async Task UnknownCommand_InvalidArgumentsAndTheServerDoesNotStart()
    {
        Assert.Equal(ExitCodes.InvalidArguments, await RunAsync("migrat", ConnectionArgument));
    }

    [Fact]
    public async Task NoConnectionStringAndNoPostgresBinaries_ExitCodePostgresMissing()
    {
        Assert.Equal(ExitCodes.PostgresMissing, await RunAsync("migrate", "--BankLink:EmbeddedDatabase:BinDirectory=/nonexistent/bin",
            "--BankLink:EmbeddedDatabase:DataDirectory=" + Path.Combine(Path.GetTempPath(), "banklink-unused-" + Guid.NewGuid().ToString("N"))));
    }
}

/// <summary>
/// The server binary's commands, run in-process exactly as the command line would run them (the server itself must not
/// start), for the command tests: bare, or against a database with what the command printed captured.
/// </summary>
internal static class ServerCommand
{
    /// <summary>The command with <paramref name="args"/> as given; the console is left alone.</summary>
    public static Task<int> InvokeAsync(string[] args) =>
        BankLinkCommands.InvokeAsync(args, _ => throw new InvalidOperationException("the server must not start for a command"));

    /// <summary>The command against <paramref name="connectionString"/>, its standard output and standard error captured apart.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string connectionString, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CaptureAsync(connectionString, args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The command against <paramref name="connectionString"/>, its standard output and standard error captured as one text.</summary>
    public static async Task<(int ExitCode, string Output)> RunMergedAsync(string connectionString, string[] args)
    {
        var output = new StringWriter();
        var exit = await CaptureAsync(connectionString, args, output, output);
        return (exit, output.ToString());
    }

    private static async Task<int> CaptureAsync(string connectionString, string[] args, TextWriter output, TextWriter error)
    {
        var (previousOut, previousError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return await InvokeAsync([.. args, "--ConnectionStrings:BankLink=" + connectionString]);
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }
}
