using BankLink.Data.Audit;
using BankLink.Server.Commands;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BankLink.Server.Tests;

/// <summary><c>audit verify</c>, run as the command line runs it: exit 0 when intact, non-zero naming the chain and row when not.</summary>
[Collection("Console")]
public sealed class AuditCommandTests : IAsyncLifetime
{
    private readonly SchemaDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => ServerCommand.RunAsync(_database.ConnectionString, args);

    private async Task<long> AppendAsync(Guid customerId, int count)
    {
        await using var services = BankLinkServices.Build(_database.ConnectionString);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        for (var i = 0; i < count; i++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await services.GetRequiredService<AuditTrail>().AppendAsync(connection, transaction,
                new AuditEvent("link_revoked", DateTimeOffset.UnixEpoch.AddDays(20000 + i), AuditActorKinds.Customer, null, CustomerId: customerId), CancellationToken.None);
            await transaction.CommitAsync();
        }

        return await _database.ScalarAsync<long>("SELECT max(id) FROM audit_events WHERE customer_id = $1", customerId);
    }

    [Fact]
    public async Task Verify_IntactTrail_ExitsZero()
    {
        await AppendAsync(Guid.NewGuid(), 3);

        var (exit, output, _) = await RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("intact: 16 chains, 3 events", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TamperedRow_NonZeroWithChainAndRow()
    {
        var customer = Guid.NewGuid();
        var last = await AppendAsync(customer, 3);
        await _database.ExecuteAsync($"""
            ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
            UPDATE audit_events SET event_type = 'grant_created' WHERE id = {last};
            ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
            """);

        var (exit, _, error) = await RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.AuditTrailBroken, exit);
        Assert.Contains($"chain {AuditTrail.ChainOf(customer)}, row {last}, seq 3", error, StringComparison.Ordinal);
    }
}
