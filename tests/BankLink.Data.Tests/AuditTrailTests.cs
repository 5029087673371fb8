using BankLink.Protocol.Stores;
using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BankLink.Data.Tests;

/// <summary>ARCHITECTURE.md "Data": the audit trail is append-only and hash-chained, and a walk of the chains finds any change.</summary>
public sealed class AuditTrailTests : ServicesOverDatabase<SchemaDatabase>
{
    private AuditTrail Trail => Services.GetRequiredService<AuditTrail>();

    private AuditVerifier Verifier => Services.GetRequiredService<AuditVerifier>();

    private static async Task AppendAsync(IServiceProvider services, AuditEvent auditEvent)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await services.GetRequiredService<AuditTrail>().AppendAsync(connection, transaction, auditEvent, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private AuditEvent Event(Guid customerId, string type = "grant_created") =>
        new(type, Clock.GetUtcNow(), AuditActorKinds.Customer, customerId.ToString(), CustomerId: customerId, Detail: new JsonObject { ["n"] = 1, ["名前"] = "テスト" });

    /// <summary>Appends <paramref name="count"/> events for one customer; returns their ids in order.</summary>
    private async Task<List<long>> AppendManyAsync(Guid customerId, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await AppendAsync(Services, Event(customerId) with { Detail = new JsonObject { ["i"] = i } });
        }

        return [.. await ReadIdsAsync(customerId)];
    }

    private async Task<long[]> ReadIdsAsync(Guid customerId)
    {
        await using var command = Database.DataSource.CreateCommand("SELECT array_agg(id ORDER BY seq) FROM audit_events WHERE customer_id = $1");
        command.Parameters.AddWithValue(customerId);
        return (long[])(await command.ExecuteScalarAsync())!;
    }

    /// <summary>What only a superuser can do: switch the append-only trigger off to tamper, as an attacker with the database would.</summary>
    private Task TamperAsync(string sql) => Database.ExecuteAsync($"""
        ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
        {sql};
        ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
        """);

    [Fact]
    public async Task Verify_EmptyTrail_IntactWithEveryChain()
    {
        var result = await Verifier.VerifyAsync(CancellationToken.None);

        Assert.True(result.IsIntact);
        Assert.Equal(AuditTrail.ChainCount, result.ChainsChecked);
        Assert.Equal(0, result.EventsChecked);
    }

    [Fact]
    public async Task Append_ManyConcurrentFromSeveralNodes_EveryChainIntact()
    {
        var nodes = Enumerable.Range(0, 4).Select(_ => BankLinkServices.Build(Database.ConnectionString, Clock)).ToList();
        var customers = Enumerable.Range(0, 24).Select(_ => Guid.NewGuid()).ToList();
        var providers = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid()).ToList();

        // 4 nodes x 8 workers x 25 appends, customers and providers shared, so appends race for the same chains.
        await Task.WhenAll(nodes.SelectMany((node, n) => Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var auditEvent = (i % 5 == 0)
                    ? new AuditEvent("client_suspended", Clock.GetUtcNow(), AuditActorKinds.Operator, "op", ProviderId: providers[(n + w + i) % providers.Count])
                    : Event(customers[((n * 8) + w + i) % customers.Count]);
                await AppendAsync(node, auditEvent);
            }
        }))));

        var result = await Verifier.VerifyAsync(CancellationToken.None);
        Assert.True(result.IsIntact, string.Join("; ", result.Breaks));
        Assert.Equal(4 * 8 * 25, result.EventsChecked);
        Assert.Equal(4 * 8 * 25, await Database.ScalarAsync<long>("SELECT sum(last_seq)::bigint FROM audit_chains"));
        Assert.True(await Database.ScalarAsync<long>("SELECT count(DISTINCT chain) FROM audit_events") > 4, "customers spread over several chains");
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Append_RolledBack_LeavesNoTraceAndTheChainIntact()
    {
        var customer = Guid.NewGuid();
        await AppendAsync(Services, Event(customer));
        await using (var connection = await Database.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Trail.AppendAsync(connection, transaction, Event(customer), CancellationToken.None);
            await transaction.RollbackAsync();
        }

        await AppendAsync(Services, Event(customer));

        Assert.Equal(2, (await ReadIdsAsync(customer)).Length);
        Assert.True((await Verifier.VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task Verify_ChangedRow_ReportsThatRow()
    {
        var customer = Guid.NewGuid();
        var ids = await AppendManyAsync(customer, 6);

        await TamperAsync($"UPDATE audit_events SET actor_id = 'someone else' WHERE id = {ids[3]}");
        var result = await Verifier.VerifyAsync(CancellationToken.None);

        var broken = Assert.Single(result.Breaks);
        Assert.Equal(AuditTrail.ChainOf(customer), broken.Chain);
        Assert.Equal(ids[3], broken.EventId);
        Assert.Contains("changed", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ChangedDetailOrTime_Detected()
    {
        var customer = Guid.NewGuid();
        var ids = await AppendManyAsync(customer, 3);

        await TamperAsync($"UPDATE audit_events SET detail = '{{\"i\": 9}}', occurred_at = occurred_at + interval '1 microsecond' WHERE id = {ids[0]}");

        Assert.Equal(ids[0], Assert.Single((await Verifier.VerifyAsync(CancellationToken.None)).Breaks).EventId);
    }

    [Fact]
    public async Task Verify_DeletedRow_ReportsTheRowAfterTheGap()
    {
        var customer = Guid.NewGuid();
        var ids = await AppendManyAsync(customer, 5);

        await TamperAsync($"DELETE FROM audit_events WHERE id = {ids[2]}");
        var broken = Assert.Single((await Verifier.VerifyAsync(CancellationToken.None)).Breaks);

        Assert.Equal(ids[3], broken.EventId);
        Assert.Equal(4, broken.Seq);
        Assert.Contains("missing", broken.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_DeletedLastRow_ReportsTheChainsEnd()
    {
        var customer = Guid.NewGuid();
        var ids = await AppendManyAsync(customer, 4);

        await TamperAsync($"DELETE FROM audit_events WHERE id = {ids[3]}");
        var broken = Assert.Single((await Verifier.VerifyAsync(CancellationToken.None)).Breaks);

        Assert.Equal(AuditTrail.ChainOf(customer), broken.Chain);
        Assert.Null(broken.EventId);
        Assert.Equal(4, broken.Seq);
    }

    [Theory]
    [InlineData("UPDATE audit_events SET actor_id = 'x'")]
    [InlineData("DELETE FROM audit_events")]
    [InlineData("TRUNCATE audit_events CASCADE")]
    public async Task Change_ByTheApplication_RefusedByTheTrigger(string sql)
    {
        await AppendManyAsync(Guid.NewGuid(), 2);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => Database.ExecuteAsync(sql));

        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.Equal(2, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events"));
    }

    [Fact]
    public async Task Append_BadEventTypeOrActorKind_Refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => AppendAsync(Services, Event(Guid.NewGuid(), "Grant Created")));
        await Assert.ThrowsAsync<ArgumentException>(() => AppendAsync(Services, Event(Guid.NewGuid()) with { ActorKind = "robot" }));
    }

    [Fact]
    public async Task RecentForCustomer_NewestFirstByKeysetWithoutDataReadsOrOthers()
    {
        var customer = Guid.NewGuid();
        for (var i = 0; i < 5; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            await AppendAsync(Services, Event(customer) with { Detail = new JsonObject { ["i"] = i } });
            await AppendAsync(Services, Event(customer, AuditEventTypes.DataRead));
        }

        await AppendAsync(Services, Event(Guid.NewGuid()));

        var first = await Trail.RecentForCustomerAsync(customer, null, 2, CancellationToken.None);
        var second = await Trail.RecentForCustomerAsync(customer, first.NextBefore, 2, CancellationToken.None);
        var last = await Trail.RecentForCustomerAsync(customer, second.NextBefore, 2, CancellationToken.None);

        Assert.Equal([4, 3, 2, 1, 0], first.Events.Concat(second.Events).Concat(last.Events).Select(e => e.Detail!["i"]!.GetValue<int>()));
        Assert.Null(last.NextBefore);
        Assert.All(first.Events, e => Assert.Equal("grant_created", e.EventType));
        Assert.True(first.Events[0].OccurredAt > first.Events[1].OccurredAt);
    }

    [Fact]
    public void ChainOf_StableAndWithinRange()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

        Assert.Equal(AuditTrail.ChainOf(id), AuditTrail.ChainOf(id));
        Assert.All(Enumerable.Range(0, 200).Select(_ => AuditTrail.ChainOf(Guid.NewGuid())), c => Assert.InRange(c, 0, AuditTrail.ChainCount - 1));
    }

    [Fact]
    public async Task DataReads_ManyConcurrentGroupCommitted_EveryEventWrittenAndEveryChainIntact()
    {
        var audit = Services.GetRequiredService<DataReadAudit>();
        var customers = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();

        // 200 reads at once, over five customers: they are committed in batches, each batch locking each chain once.
        var accepted = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => audit.RecordAsync(
            new DataRead(Proof($"jti-{i}"), [Event(customers[i % 5], "data_read") with { Detail = new JsonObject { ["i"] = i } }]), CancellationToken.None))));

        Assert.All(accepted, Assert.True);
        Assert.Equal(200, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'data_read'"));
        Assert.True((await Verifier.VerifyAsync(CancellationToken.None)).IsIntact);
        Assert.Equal(200, await Database.ScalarAsync<long>("SELECT count(DISTINCT detail) FROM audit_events WHERE event_type = 'data_read'"));
    }

    [Fact]
    public async Task DataReads_SameProofSentConcurrently_RecordedOnceAndOnlyItsEventsWritten()
    {
        var audit = Services.GetRequiredService<DataReadAudit>();
        var customer = Guid.NewGuid();

        // One proof sent ten times at once (a replay racing the original): exactly one request may serve data.
        var accepted = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => audit.RecordAsync(
            new DataRead(Proof("the-one-jti"), [Event(customer, "data_read") with { Detail = new JsonObject { ["i"] = i } }]), CancellationToken.None))));

        Assert.Single(accepted, a => a);
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'data_read'"));
        Assert.False(await audit.RecordAsync(new DataRead(Proof("the-one-jti"), [Event(customer, "data_read")]), CancellationToken.None));
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'data_read'"));
    }

    private static OneTimeUse Proof(string jti) => new("dpop", "thumbprint", jti, DateTimeOffset.UtcNow.AddMinutes(2));
}
