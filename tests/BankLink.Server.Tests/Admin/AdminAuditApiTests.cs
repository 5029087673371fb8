using System.Net;
using System.Text;

namespace BankLink.Server.Tests.Admin;

/// <summary>
/// The audit trail over the admin API (issue 6 "Audit trail: filter by customer, provider, account, operator, event
/// type and time; CSV export; verify the hash chain"; "A tampered audit row is detected").
/// </summary>
public sealed class AdminAuditApiTests : AdminApiTestBase
{
    private async Task<Guid> StopAndLiftAsync(string loginId, string reason)
    {
        await Database.ExecuteAsync("UPDATE customers SET status = 'stopped', consecutive_failures = 5, stopped_at = now() WHERE login_id = $1", loginId);
        var customerId = await CustomerIdAsync(loginId);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("LiftStop", $"/admin/v1/customers/{customerId}/lift-stop", Operator, Reason(reason))).Status);
        return customerId;
    }

    [Fact]
    public async Task List_FilteredByCustomerOperatorTypeAndTime_KeysetPages()
    {
        var tanaka = await StopAndLiftAsync("tanaka01", "identity checked at the branch");
        await StopAndLiftAsync("suzuki02", "identity checked on the phone");
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture));

        var page = await GetAsync("ListAuditEvents", $"/admin/v1/audit-events?customerId={tanaka}&operator={Operator.LoginId}&eventType=customer_unlocked&from={from}", Viewer);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var only = Assert.Single(page.Json.GetProperty("events").EnumerateArray());
        Assert.Equal("customer_unlocked", only.GetProperty("eventType").GetString());
        Assert.Equal(Operator.LoginId, only.GetProperty("actorId").GetString());
        Assert.Equal("tanaka01", only.GetProperty("customerLoginId").GetString());

        var first = await GetAsync("ListAuditEvents", $"/admin/v1/audit-events?eventType=customer_unlocked&limit=1", Viewer);
        var next = first.Json.GetProperty("nextBefore").GetInt64();
        var second = await GetAsync("ListAuditEvents", $"/admin/v1/audit-events?eventType=customer_unlocked&limit=1&before={next}", Viewer);
        Assert.NotEqual(first.Json.GetProperty("events")[0].GetProperty("id").GetInt64(), second.Json.GetProperty("events")[0].GetProperty("id").GetInt64());
        Assert.Equal(["suzuki02", "tanaka01"], new[] { first, second }.Select(p => p.Json.GetProperty("events")[0].GetProperty("customerLoginId").GetString()));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    [InlineData("limit=ten")]
    [InlineData("customerId=nope")]
    [InlineData("from=2026-11-21")]
    [InlineData("from=2026-11-21T09:00:00")]
    [InlineData("before=-1")]
    [InlineData("includeDataReads=yes")]
    [InlineData("color=red")]
    [InlineData("limit=1&limit=2")]
    public async Task List_BadFilter_400(string query)
    {
        AssertRefused(await GetAsync("ListAuditEvents", "/admin/v1/audit-events?" + query, Viewer), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ExportCsv_AttachmentWithTheEvents_RecordedAsAuditExported()
    {
        await StopAndLiftAsync("tanaka01", "identity, checked = at the branch");

        AssertRefused(await GetAsync("ExportAuditEvents", "/admin/v1/audit-events.csv", null), HttpStatusCode.Unauthorized, "unauthorized");
        var export = await GetAsync("ExportAuditEvents", "/admin/v1/audit-events.csv?eventType=customer_unlocked", Viewer);

        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal("text/csv", export.Message.Content.Headers.ContentType!.MediaType);
        var disposition = export.Message.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Matches(@"^banklink-audit-\d{8}-\d{6}\.csv$", disposition.FileName!.Trim('"'));
        Assert.Equal("false", export.Message.Headers.GetValues(Server.Apis.Admin.AdminAuditApi.TruncatedHeader).Single());
        var bytes = await export.Message.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,occurred_at,event_type,actor_kind,actor_id,customer_id,customer_login_id,provider_id,provider_name,provider_name_ja,client_id,grant_id,account_id,detail",
            lines[0]);
        var row = Assert.Single(lines[1..]);
        Assert.Contains(",customer_unlocked,operator," + Operator.LoginId + ",", row, StringComparison.Ordinal);
        Assert.Contains(",tanaka01,", row, StringComparison.Ordinal);
        Assert.Contains("identity, checked = at the branch", row, StringComparison.Ordinal);
        Assert.Equal(Viewer.LoginId, await Database.ScalarAsync<string>("SELECT actor_id FROM audit_events WHERE event_type = 'audit_exported'"));
        AssertRefused(await GetAsync("ExportAuditEvents", "/admin/v1/audit-events.csv?limit=5", Viewer), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task Verify_Intact_ThenATamperedRow_ReportedBrokenWithChainAndRow()
    {
        await StopAndLiftAsync("tanaka01", "identity checked at the branch");

        var intact = await PostAsync("VerifyAudit", "/admin/v1/audit/verify", Viewer, null);

        Assert.Equal(HttpStatusCode.OK, intact.Status);
        Assert.True(intact.Json.GetProperty("intact").GetBoolean());
        Assert.Equal(16, intact.Json.GetProperty("chainsChecked").GetInt32());
        Assert.Empty(intact.Json.GetProperty("breaks").EnumerateArray());

        var tampered = await Database.ScalarAsync<long>("SELECT id FROM audit_events WHERE event_type = 'customer_unlocked'");
        await Database.ExecuteAsync($"""
            ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
            UPDATE audit_events SET detail = replace(detail, 'branch', 'phone') WHERE id = {tampered};
            ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
            """);

        var broken = await PostAsync("VerifyAudit", "/admin/v1/audit/verify", Viewer, null);

        Assert.Equal(HttpStatusCode.OK, broken.Status);
        Assert.False(broken.Json.GetProperty("intact").GetBoolean());
        var at = Assert.Single(broken.Json.GetProperty("breaks").EnumerateArray());
        Assert.Equal(tampered, at.GetProperty("eventId").GetInt64());
        Assert.Equal(await Database.ScalarAsync<short>("SELECT chain FROM audit_events WHERE id = $1", tampered), at.GetProperty("chain").GetInt32());
        Assert.Equal(2, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'audit_verified'"));
    }
}
