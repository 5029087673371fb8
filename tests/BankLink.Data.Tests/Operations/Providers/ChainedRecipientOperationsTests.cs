using System.Text.Json.Nodes;
using BankLink.Data.Operations;
using BankLink.Data.Operations.Providers;
using BankLink.DemoBank;
using BankLink.Testing;
using Microsoft.Extensions.DependencyInjection;
using static BankLink.Data.Tests.Operations.Providers.ProviderTestData;

namespace BankLink.Data.Tests.Operations.Providers;

/// <summary>Operators add, change and remove a provider's chained recipients (連鎖接続先), each with its audit event.</summary>
public sealed class ChainedRecipientOperationsTests : ServicesOverDatabase<DemoBankDatabase>
{
    private static readonly ChainedRecipientInput Accountant = new("Tax Helper", "税務ヘルパー", "Prepares tax returns.", "確定申告書を作成します。");

    private ProviderOperations Providers => Services.GetRequiredService<ProviderOperations>();

    private async Task<JsonObject> LastDetailAsync()
    {
        var text = await Database.ScalarAsync<string>("SELECT detail FROM audit_events WHERE event_type = 'chained_recipients_changed' ORDER BY id DESC LIMIT 1");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task AddChangeRemove_EachAuditedWithBeforeAndAfter()
    {
        var added = await Providers.AddChainedRecipientAsync(Admin, SandboxProvider.Id, Accountant with { Name = "  Tax Helper " }, Reason, CancellationToken.None);

        Assert.Equal("Tax Helper", added.Name);
        var detail = await LastDetailAsync();
        Assert.Equal(("added", Reason), ((string?)detail["change"], (string?)detail["reason"]));
        Assert.Null(detail["before"]);
        Assert.Equal("税務ヘルパー", (string?)detail["after"]!["nameJa"]);
        Assert.Equal(2, (await Providers.GetAsync(Viewer, SandboxProvider.Id, CancellationToken.None)).ChainedRecipients.Count);

        var changed = await Providers.ChangeChainedRecipientAsync(Admin, SandboxProvider.Id, added.Id, Accountant with { Purpose = "Prepares tax returns and payroll." }, Reason, CancellationToken.None);

        Assert.Equal("Prepares tax returns and payroll.", changed.Purpose);
        detail = await LastDetailAsync();
        Assert.Equal("changed", (string?)detail["change"]);
        Assert.Equal("Prepares tax returns.", (string?)detail["before"]!["purpose"]);
        Assert.Equal("Prepares tax returns and payroll.", (string?)detail["after"]!["purpose"]);
        Assert.Equal("Prepares tax returns and payroll.", await Database.ScalarAsync<string>("SELECT purpose FROM chained_recipients WHERE id = $1", added.Id));

        await Providers.RemoveChainedRecipientAsync(Admin, SandboxProvider.Id, added.Id, Reason, CancellationToken.None);

        detail = await LastDetailAsync();
        Assert.Equal("removed", (string?)detail["change"]);
        Assert.Null(detail["after"]);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM chained_recipients WHERE id = $1", added.Id));
        Assert.Equal(3, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit_events WHERE event_type = 'chained_recipients_changed' AND actor_kind = 'operator' AND actor_id = $1 AND provider_id = $2",
            Admin.LoginId, SandboxProvider.Id));
    }

    public static TheoryData<ChainedRecipientInput> Invalid() => new()
    {
        Accountant with { Name = null },
        Accountant with { NameJa = "  " },
        Accountant with { Purpose = "" },
        Accountant with { PurposeJa = null },
        Accountant with { Name = new string('a', 201) },
        Accountant with { PurposeJa = new string('あ', 501) },
        Accountant with { Name = "Tax\u0007Helper" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Add_MissingTooLongOrControlCharacters_InvalidRequest(ChainedRecipientInput input)
    {
        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.AddChainedRecipientAsync(Admin, SandboxProvider.Id, input, Reason, CancellationToken.None));

        Assert.Equal("invalid_request", error.Code);
        Assert.Equal(1, await Database.ScalarAsync<long>("SELECT count(*) FROM chained_recipients WHERE provider_id = $1", SandboxProvider.Id));
    }

    [Fact]
    public async Task Add_LongestAllowed_Accepted()
    {
        var added = await Providers.AddChainedRecipientAsync(Admin, SandboxProvider.Id,
            new ChainedRecipientInput(new string('a', 200), new string('あ', 200), new string('p', 500), new string('目', 500)), Reason, CancellationToken.None);

        Assert.Equal(200, added.NameJa.Length);
    }

    [Fact]
    public async Task Add_SameNameInEitherLanguage_Conflict()
    {
        var sandboxEnglish = Accountant with { Name = "sandbox tax office" };
        var sandboxJapanese = Accountant with { NameJa = "サンドボックス税理士事務所" };

        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.AddChainedRecipientAsync(Admin, SandboxProvider.Id, sandboxEnglish, Reason, CancellationToken.None))).Code);
        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.AddChainedRecipientAsync(Admin, SandboxProvider.Id, sandboxJapanese, Reason, CancellationToken.None))).Code);
    }

    [Fact]
    public async Task Add_BeyondTheLimit_Conflict()
    {
        for (var i = 1; i < ProviderOperations.MaxChainedRecipients; i++)
        {
            await Providers.AddChainedRecipientAsync(Admin, SandboxProvider.Id, new ChainedRecipientInput($"R{i}", $"受取{i}", "p", "目的"), Reason, CancellationToken.None);
        }

        var error = await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.AddChainedRecipientAsync(Admin, SandboxProvider.Id, Accountant, Reason, CancellationToken.None));

        Assert.Equal("conflict", error.Code);
        Assert.Equal(ProviderOperations.MaxChainedRecipients, await Database.ScalarAsync<long>("SELECT count(*) FROM chained_recipients WHERE provider_id = $1", SandboxProvider.Id));
    }

    [Fact]
    public async Task Edits_RoleReasonOrTarget_Refused()
    {
        var sandboxRecipient = (await Providers.GetAsync(Viewer, SandboxProvider.Id, CancellationToken.None)).ChainedRecipients.Single();

        Assert.Equal("forbidden", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.AddChainedRecipientAsync(Operator, SandboxProvider.Id, Accountant, Reason, CancellationToken.None))).Code);
        Assert.Equal("invalid_reason", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.RemoveChainedRecipientAsync(Admin, SandboxProvider.Id, sandboxRecipient.Id, "no", CancellationToken.None))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.AddChainedRecipientAsync(Admin, Guid.NewGuid(), Accountant, Reason, CancellationToken.None))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.ChangeChainedRecipientAsync(Admin, SandboxProvider.Id, Guid.NewGuid(), Accountant, Reason, CancellationToken.None))).Code);
        Assert.Equal("not_found", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.RemoveChainedRecipientAsync(Admin, SandboxProvider.Id, Guid.NewGuid(), Reason, CancellationToken.None))).Code);
        var unchanged = new ChainedRecipientInput(sandboxRecipient.Name, sandboxRecipient.NameJa, sandboxRecipient.Purpose, sandboxRecipient.PurposeJa);
        Assert.Equal("conflict", (await Assert.ThrowsAsync<OperationRefusedException>(() => Providers.ChangeChainedRecipientAsync(Admin, SandboxProvider.Id, sandboxRecipient.Id, unchanged, Reason, CancellationToken.None))).Code);
        Assert.Equal(0, await Database.ScalarAsync<long>("SELECT count(*) FROM audit_events WHERE event_type = 'chained_recipients_changed'"));
    }
}
