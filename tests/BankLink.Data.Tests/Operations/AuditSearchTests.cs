using System.Text.Json.Nodes;
using BankLink.Data.Audit;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Audit;
using BankLink.DemoBank;
using BankLink.Domain.Operators;
using Npgsql;

namespace BankLink.Data.Tests.Operations;

/// <summary>The audit trail for operators: filters, keyset pages, the CSV export (audited, bounded) and the chain check.</summary>
public sealed class AuditSearchTests : OperationsTestBase
{
    private AuditSearch Search => Get<AuditSearch>();

    private DateTimeOffset T0 => Clock.GetUtcNow().AddHours(-10);

    /// <summary>Appends events in the order given, so ids grow with it (AppendManyAsync would number them chain by chain).</summary>
    private async Task AppendAsync(params AuditEvent[] events)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var auditEvent in events)
        {
            await Get<AuditTrail>().AppendAsync(connection, transaction, auditEvent, CancellationToken.None);
        }

        await transaction.CommitAsync();
    }

    private static AuditEvent Event(string type, DateTimeOffset at, Guid? customer = null, Guid? provider = null, Guid? account = null,
        string actorKind = AuditActorKinds.System, string? actorId = "test") =>
        new(type, at, actorKind, actorId, customer, provider, AccountId: account, Detail: new JsonObject { ["n"] = at.ToUnixTimeSeconds() });

    private async Task<List<string>> TypesAsync(AuditQuery query) =>
        [.. (await Search.QueryAsync(Viewer, query, CancellationToken.None)).Records.Select(r => r.EventType)];

    [Fact]
    public async Task Query_ByCustomer_NewestFirst_DataReadsOnlyWhenAsked()
    {
        var (customer, other) = (Guid.NewGuid(), Guid.NewGuid());
        await AppendAsync(
            Event("login_succeeded", T0, customer),
            Event(AuditEventTypes.DataRead, T0.AddMinutes(1), customer, SandboxProvider.Id, actorKind: AuditActorKinds.Provider),
            Event("login_failed", T0.AddMinutes(2), other),
            Event(AuditEventTypes.LinkRevoked, T0.AddMinutes(3), customer, SandboxProvider.Id));

        Assert.Equal([AuditEventTypes.LinkRevoked, "login_succeeded"], await TypesAsync(new AuditQuery { CustomerId = customer }));
        Assert.Equal([AuditEventTypes.LinkRevoked, AuditEventTypes.DataRead, "login_succeeded"],
            await TypesAsync(new AuditQuery { CustomerId = customer, IncludeDataReads = true }));
        Assert.Equal([AuditEventTypes.DataRead], await TypesAsync(new AuditQuery { CustomerId = customer, EventTypes = [AuditEventTypes.DataRead] }));
        Assert.Equal([AuditEventTypes.LinkRevoked, "login_failed"],
            await TypesAsync(new AuditQuery { EventTypes = ["login_failed", AuditEventTypes.LinkRevoked], From = T0, To = Clock.GetUtcNow() }));
    }

    [Fact]
    public async Task Query_ByProviderAccountAndOperator_WithTheProvidersNameAndTheCustomersLogin()
    {
        var (tanaka, _) = await CustomerAsync("tanaka01");
        var account = Guid.NewGuid();
        await AppendAsync(
            Event(AuditEventTypes.LinkAccountRemoved, T0, tanaka, SandboxProvider.Id, account, AuditActorKinds.Operator, "operator1"),
            Event(AuditEventTypes.AccountClosed, T0.AddMinutes(1), tanaka, account: account, actorKind: AuditActorKinds.Operator, actorId: "operator2"),
            Event("login_failed", T0.AddMinutes(2), tanaka, actorKind: AuditActorKinds.Customer, actorId: "operator1"));

        var byProvider = await Search.QueryAsync(Viewer, new AuditQuery { ProviderId = SandboxProvider.Id, From = T0, To = Clock.GetUtcNow() }, CancellationToken.None);
        var record = Assert.Single(byProvider.Records);
        Assert.Equal(("サンドボックス家計簿", "tanaka01", account), (record.ProviderNameJa, record.CustomerLoginId, record.AccountId));
        Assert.Equal("BankLink Sandbox Household Budget", record.ProviderName);

        Assert.Equal([AuditEventTypes.AccountClosed, AuditEventTypes.LinkAccountRemoved], await TypesAsync(new AuditQuery { AccountId = account }));
        Assert.Equal([AuditEventTypes.LinkAccountRemoved], await TypesAsync(new AuditQuery { OperatorLoginId = "operator1" }));
        Assert.Equal([AuditEventTypes.AccountClosed], await TypesAsync(new AuditQuery { OperatorLoginId = "operator2", CustomerId = tanaka, AccountId = account }));
        Assert.Empty(await TypesAsync(new AuditQuery { OperatorLoginId = "operator2", ProviderId = SandboxProvider.Id }));
    }

    [Fact]
    public async Task Query_TimeRange_FromInclusive_ToExclusive()
    {
        var customer = Guid.NewGuid();
        await AppendAsync(
            Event("a_before", T0.AddTicks(-10), customer),
            Event("b_from", T0, customer),
            Event("c_inside", T0.AddMinutes(30), customer),
            Event("d_to", T0.AddHours(1), customer));

        Assert.Equal(["c_inside", "b_from"], await TypesAsync(new AuditQuery { CustomerId = customer, From = T0, To = T0.AddHours(1) }));
        Assert.Equal(["b_from", "a_before"], await TypesAsync(new AuditQuery { CustomerId = customer, To = T0.AddMinutes(1) }));
    }

    [Fact]
    public async Task Query_KeysetPages_NoGapsNoRepeats_EvenWithEventsArrivingMeanwhile()
    {
        var customer = Guid.NewGuid();
        await AppendAsync([.. Enumerable.Range(0, 7).Select(i => Event($"e{i}", T0.AddSeconds(i), customer))]);

        var seen = new List<string>();
        long? before = null;
        var pages = 0;
        do
        {
            var page = await Search.QueryAsync(Viewer, new AuditQuery { CustomerId = customer, Limit = 3, Before = before }, CancellationToken.None);
            seen.AddRange(page.Records.Select(r => r.EventType));
            Assert.True(page.Records.Count <= 3);
            before = page.NextBefore;
            if (pages++ == 0)
            {
                await AppendAsync(Event("late", T0.AddMinutes(5), customer));
            }
        }
        while (before is not null);

        Assert.Equal(["e6", "e5", "e4", "e3", "e2", "e1", "e0"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Query_BadFilter_InvalidRequest_NoRole_Forbidden()
    {
        await RefusedAsync("invalid_request", () => Search.QueryAsync(Viewer, new AuditQuery { Limit = 0 }, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Search.QueryAsync(Viewer, new AuditQuery { Limit = 501 }, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Search.QueryAsync(Viewer, new AuditQuery { EventTypes = ["Link Revoked"] }, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Search.QueryAsync(Viewer, new AuditQuery { EventTypes = ["x'; DROP TABLE audit_events; --"] }, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Search.QueryAsync(Viewer, new AuditQuery { From = T0, To = T0 }, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Search.QueryAsync(Viewer, new AuditQuery { OperatorLoginId = " " }, CancellationToken.None));
        await RefusedAsync("invalid_request", () => Search.QueryAsync(Viewer, new AuditQuery { Before = 0 }, CancellationToken.None));
        await RefusedAsync("forbidden", () => Search.QueryAsync(new OperatorActor(Guid.NewGuid(), "x", 0), new AuditQuery(), CancellationToken.None));
        await RefusedAsync("forbidden", () => Search.BeginCsvExportAsync(new OperatorActor(Guid.NewGuid(), "x", 0), new AuditQuery(), CancellationToken.None));
        Assert.InRange((await Search.QueryAsync(Viewer, new AuditQuery { Limit = 500, IncludeDataReads = true }, CancellationToken.None)).Records.Count, 0, 500);
    }

    [Fact]
    public async Task Export_HeaderAndRecords_NeutralisedCells_AuditedWithTheFilter()
    {
        var customer = Guid.NewGuid();
        await AppendAsync(
            Event("login_failed", T0, customer, actorKind: AuditActorKinds.Customer, actorId: "=HYPERLINK(\"http://evil\",\"x\")"),
            Event(AuditEventTypes.LinkRevoked, T0.AddMinutes(1), customer, SandboxProvider.Id));
        var query = new AuditQuery { CustomerId = customer, Limit = 1 };

        var export = await Search.BeginCsvExportAsync(Viewer, query, CancellationToken.None);
        var lines = new List<string>();
        await foreach (var line in export.ReadLinesAsync(CancellationToken.None))
        {
            lines.Add(line);
        }

        Assert.False(export.Truncated);
        Assert.Matches(@"^banklink-audit-20261121-\d{6}\.csv$", export.FileName);
        Assert.Equal(3, lines.Count);
        Assert.Equal(AuditCsv.HeaderLine(), lines[0]);
        Assert.All(lines, l => Assert.EndsWith("\r\n", l, StringComparison.Ordinal));
        Assert.Contains(",link_revoked,", lines[1], StringComparison.Ordinal);
        Assert.Contains("サンドボックス家計簿", lines[1], StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",", lines[2], StringComparison.Ordinal);

        var exported = Assert.Single(await EventsAsync(AuditSearch.AuditExported));
        Assert.Equal(("operator", "viewer1"), (exported.ActorKind, exported.ActorId));
        var detail = JsonNode.Parse(exported.Detail!)!;
        Assert.Equal(customer.ToString(), detail["filter"]!["customer_id"]!.GetValue<string>());
        Assert.False(detail["truncated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Export_MoreThanTheBound_StopsAtIt_AndSaysSoBeforeTheFirstLine()
    {
        // Written in one statement, past the chain's head: hashing is not what this test is about, and the trail of a test database is thrown away.
        var customer = Guid.NewGuid();
        await Database.ExecuteAsync("""
            INSERT INTO audit_events (chain, seq, event_type, occurred_at, actor_kind, actor_id, customer_id, provider_id, previous_hash, hash)
            SELECT $1, 1000000 + i, 'data_read', $2 + i * interval '1 millisecond', 'provider', 'c1', $3, $4, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex')
            FROM generate_series(0, $5 - 1) AS i
            """, AuditTrail.ChainOf(customer), T0, customer, SandboxProvider.Id, AuditSearch.MaxExportRows + 5);

        // Statistics, as autovacuum keeps them on a real trail: without them the planner walks the whole table for every page.
        await Database.ExecuteAsync("ANALYZE audit_events");

        var export = await Search.BeginCsvExportAsync(Viewer, new AuditQuery { CustomerId = customer, IncludeDataReads = true }, CancellationToken.None);
        Assert.True(export.Truncated);
        var count = 0;
        string? last = null;
        await foreach (var line in export.ReadLinesAsync(CancellationToken.None))
        {
            count++;
            last = line;
        }

        Assert.Equal(AuditSearch.MaxExportRows + 1, count);
        Assert.Contains(T0.AddMilliseconds(5).ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
            last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Intact_ThenATamperedRowIsFound_EachCheckAudited()
    {
        var integrity = Get<AuditIntegrity>();
        var customer = Guid.NewGuid();
        await AppendAsync(Event("login_failed", T0, customer), Event("login_failed", T0.AddSeconds(1), customer));

        var intact = await integrity.VerifyAsync(Viewer, CancellationToken.None);
        Assert.True(intact.IsIntact);
        Assert.Empty(intact.Breaks);

        await Database.ExecuteAsync($"""
            ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
            UPDATE audit_events SET actor_id = 'someone else' WHERE customer_id = '{customer}' AND occurred_at = '{T0:O}';
            ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
            """);
        var broken = await integrity.VerifyAsync(Viewer, CancellationToken.None);

        Assert.False(broken.IsIntact);
        var found = Assert.Single(broken.Breaks);
        Assert.Equal(AuditTrail.ChainOf(customer), found.Chain);
        Assert.Equal(2, (await EventsAsync(AuditIntegrity.AuditVerified)).Count);
        await RefusedAsync("forbidden", () => integrity.VerifyAsync(new OperatorActor(Guid.NewGuid(), "x", 0), CancellationToken.None));
    }

    [Fact]
    public async Task Filters_UseTheirIndexes()
    {
        // Tiny tables are read sequentially whatever the indexes; with that off, the plan shows which index serves each filter.
        (string Where, string Index)[] cases =
        [
            ("e.customer_id = '00000000-0000-0000-0000-000000000001' AND e.event_type <> 'data_read'", "ix_audit_events_customer_security"),
            ("e.customer_id = '00000000-0000-0000-0000-000000000001'", "ix_audit_events_customer_all"),
            ("e.account_id = '00000000-0000-0000-0000-000000000001'", "ix_audit_events_account"),
            ("e.actor_kind = 'operator' AND e.actor_id = 'operator1'", "ix_audit_events_operator"),
            ("e.event_type = ANY('{link_revoked}') AND e.event_type <> 'data_read'", "ix_audit_events_type"),
        ];
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        foreach (var (where, index) in cases)
        {
            await using var explain = new NpgsqlCommand($"EXPLAIN SELECT e.id FROM audit_events e WHERE e.id < 9223372036854775807 AND {where} ORDER BY e.id DESC LIMIT 101", connection);
            var plan = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }

            Assert.True(plan.Any(l => l.Contains(index, StringComparison.Ordinal)), $"{where}:\n{string.Join('\n', plan)}");
        }
    }
}
