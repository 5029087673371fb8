using BankLink.Data.Operations;
using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.Providers;
using BankLink.Domain.Operators;
using BankLink.Domain.Providers;
using Microsoft.AspNetCore.Mvc;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// One provider (issue 6): clients, chained recipients, active links, the last 24 hours' requests and refusals, its
/// onboarding tokens (any role); suspend (optionally revoking refresh tokens too) or reinstate it, and add, change or
/// remove chained recipients (admin). Suspension waits for a second operator by default (four-eyes).
/// </summary>
public sealed class ConsoleProviderModel(ProviderOperations providers, OperatorActions actions, FourEyesQueue queue) : ConsolePageModel
{
    [BindProperty(Name = "id", SupportsGet = true)]
    public Guid ProviderId { get; set; }

    [BindProperty(Name = "revoke_refresh_tokens")]
    public bool RevokeRefreshTokens { get; set; }

    [BindProperty(Name = "recipient")]
    public Guid? RecipientId { get; set; }

    [BindProperty(Name = "name")]
    public string? Name { get; set; }

    [BindProperty(Name = "name_ja")]
    public string? NameJa { get; set; }

    [BindProperty(Name = "purpose")]
    public string? Purpose { get; set; }

    [BindProperty(Name = "purpose_ja")]
    public string? PurposeJa { get; set; }

    public ProviderDetails? Provider { get; private set; }

    public IReadOnlyList<PendingOperatorAction> Pending { get; private set; } = [];

    public bool CanManage => Allows(OperatorRole.Admin);

    public bool NeedsApproval(string action) => actions.RequiresApproval(action);

    public override string? Done => DoneCode switch
    {
        "suspended" => "The provider is suspended: its clients are refused and every access token and unused code stopped working at once.",
        "reinstated" => "The provider is active again, with the clients suspended with it.",
        "recipient-added" => "The chained recipient was added: the consent screen names it from now on.",
        "recipient-changed" => "The chained recipient was changed.",
        "recipient-removed" => "The chained recipient was removed: the consent screen no longer names it.",
        _ => null,
    };

    public Task<IActionResult> OnGetAsync() => LoadPageAsync(LoadAsync);

    public Task<IActionResult> OnPostSuspendAsync() => ChangeAsync(OperatorRole.Admin, Back, "suspended", async (actor, reason) =>
    {
        var provider = await ReadProviderAsync();
        if (provider.Status == ProviderStatus.Suspended)
        {
            throw new OperationRefusedException("conflict", "The provider is suspended already.");
        }

        return await actions.RunAsync(actor, ProviderActionExecutor.SuspendProvider(ProviderId, RevokeRefreshTokens,
            $"provider {provider.Name} ({provider.NameJa}){(RevokeRefreshTokens ? ", refresh tokens revoked too" : "")}"), reason, Aborted);
    }, LoadAsync);

    public Task<IActionResult> OnPostReinstateAsync() => ChangeAsync(OperatorRole.Admin, Back, "reinstated", async (actor, reason) =>
    {
        var provider = await ReadProviderAsync();
        return await actions.RunAsync(actor, ProviderActionExecutor.ReinstateProvider(ProviderId, $"provider {provider.Name} ({provider.NameJa})"), reason, Aborted);
    }, LoadAsync);

    public Task<IActionResult> OnPostAddRecipientAsync() => ChangeAsync(OperatorRole.Admin, Back, "recipient-added", async (actor, reason) =>
    {
        var provider = await ReadProviderAsync();
        return await actions.RunAsync(actor, ProviderActionExecutor.AddChainedRecipient(ProviderId, RecipientInput,
            $"new chained recipient '{Cut(Name)}' of {provider.Name}"), reason, Aborted);
    }, LoadAsync);

    public Task<IActionResult> OnPostChangeRecipientAsync() => ChangeAsync(OperatorRole.Admin, Back, "recipient-changed", async (actor, reason) =>
    {
        var recipient = await RecipientAsync();
        return await actions.RunAsync(actor, ProviderActionExecutor.ChangeChainedRecipient(ProviderId, recipient.Id, RecipientInput,
            $"chained recipient '{Cut(recipient.Name)}' of {Provider!.Name}"), reason, Aborted);
    }, LoadAsync);

    public Task<IActionResult> OnPostRemoveRecipientAsync() => ChangeAsync(OperatorRole.Admin, Back, "recipient-removed", async (actor, reason) =>
    {
        var recipient = await RecipientAsync();
        return await actions.RunAsync(actor, ProviderActionExecutor.RemoveChainedRecipient(ProviderId, recipient.Id,
            $"chained recipient '{Cut(recipient.Name)}' of {Provider!.Name}"), reason, Aborted);
    }, LoadAsync);

    private string Back => $"/console/providers/{ProviderId:D}";

    /// <summary>The chained recipient the form describes.</summary>
    private ChainedRecipientInput RecipientInput => new(Name, NameJa, Purpose, PurposeJa);

    private async Task<ProviderRecipient> RecipientAsync()
    {
        var provider = await ReadProviderAsync();
        return provider.ChainedRecipients.FirstOrDefault(r => r.Id == RecipientId)
            ?? throw new OperationRefusedException("not_found", "The provider has no chained recipient with that id.");
    }

    /// <summary>The page's data: the provider and the four-eyes requests about it.</summary>
    private async Task LoadAsync()
    {
        await ReadProviderAsync();
        Pending = [.. (await queue.ListPendingAsync(Operator, Aborted)).Where(p => p.ProviderId == ProviderId)];
    }

    /// <summary>The provider alone, all an action needs (it answers with a redirect, so the four-eyes list is not read).</summary>
    private async Task<ProviderDetails> ReadProviderAsync()
    {
        Provider = null;
        return Provider = await providers.GetAsync(Operator, ProviderId, Aborted);
    }
}
