using BankLink.Data.Operations;
using BankLink.Data.Operations.FourEyes;
using BankLink.Data.Operations.OnboardingTokens;
using BankLink.Data.Operations.Providers;
using BankLink.Domain.Operators;
using Microsoft.AspNetCore.Mvc;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// Onboarding tokens per provider (DOMAIN.md "Provider onboarding tokens"; issue 6): their state (any role); issue one
/// to a named person of the provider, renew one (a new token with a fresh 60 days) or revoke one (admin). A new token's
/// secret is shown once, in the answer to the POST that made it: never in an address, a cookie or the audit trail, and
/// the page is never cached. Under four-eyes the approver, who makes the token, sees it instead.
/// </summary>
public sealed class ConsoleOnboardingTokensModel(ProviderOperations providers, OnboardingTokenOperations tokens, OperatorActions actions) : ConsolePageModel
{
    [BindProperty(Name = "provider", SupportsGet = true)]
    public Guid? ProviderId { get; set; }

    [BindProperty(Name = "person_name")]
    public string? PersonName { get; set; }

    [BindProperty(Name = "token")]
    public string? TokenId { get; set; }

    public IReadOnlyList<ProviderSummary> Providers { get; private set; } = [];

    public ProviderSummary? Provider { get; private set; }

    public IReadOnlyList<OnboardingTokenView> Tokens { get; private set; } = [];

    /// <summary>The token just issued or renewed, with its secret: in this answer only.</summary>
    public IssuedOnboardingTokenSecret? NewToken { get; private set; }

    public bool CanManage => Allows(OperatorRole.Admin);

    public bool NeedsApproval(string action) => actions.RequiresApproval(action);

    public override string? Done => DoneCode switch
    {
        "revoked" => "The onboarding token was revoked. Clients already registered with it keep working.",
        _ => null,
    };

    public Task<IActionResult> OnGetAsync() => LoadPageAsync(LoadAsync);

    public Task<IActionResult> OnPostIssueAsync() => ChangeAndAnswerAsync(OperatorRole.Admin, async (actor, reason) =>
    {
        await LoadAsync();
        var provider = Provider ?? throw new OperationRefusedException("invalid_request", "Choose the provider the token is for.");
        var person = OneLine(PersonName) ?? "";
        return await actions.RunAsync(actor, ProviderActionExecutor.IssueOnboardingToken(provider.Id, person,
            $"onboarding token for {Cut(person)} of {provider.Name}"), reason, Aborted);
    }, ShowSecretAsync, LoadAsync);

    public Task<IActionResult> OnPostRenewAsync() => ChangeAndAnswerAsync(OperatorRole.Admin, async (actor, reason) =>
    {
        var token = await TokenAsync();
        return await actions.RunAsync(actor, ProviderActionExecutor.RenewOnboardingToken(token.Id, token.ProviderId, Target(token)), reason, Aborted);
    }, ShowSecretAsync, LoadAsync);

    public Task<IActionResult> OnPostRevokeAsync() => ChangeAsync(OperatorRole.Admin, Back, "revoked", async (actor, reason) =>
    {
        var token = await TokenAsync();
        return await actions.RunAsync(actor, ProviderActionExecutor.RevokeOnboardingToken(token.Id, token.ProviderId, Target(token)), reason, Aborted);
    }, LoadAsync);

    private string Back => ProviderId is { } id ? $"/console/onboarding-tokens?provider={id:D}" : "/console/onboarding-tokens";

    /// <summary>A token made now is shown in this answer; a four-eyes request goes back to the page with its id.</summary>
    private async Task<IActionResult> ShowSecretAsync(OperatorActionOutcome outcome)
    {
        if (outcome.Pending && outcome.PendingId is { } pending)
        {
            return LocalRedirect(Back + "&pending=" + pending.ToString("D"));
        }

        NewToken = (outcome.Result as ProviderActionOutcome)?.IssuedToken;
        await LoadAsync();
        return Page();
    }

    /// <summary>The token the form names, among the chosen provider's: not_found otherwise.</summary>
    private async Task<OnboardingTokenView> TokenAsync()
    {
        await LoadAsync();
        return Tokens.FirstOrDefault(t => string.Equals(t.Id, TokenId, StringComparison.Ordinal))
            ?? throw new OperationRefusedException("not_found", "The provider has no onboarding token with that id.");
    }

    /// <summary>A token in a four-eyes target (the token loaded by <see cref="TokenAsync"/>, so the provider is too).</summary>
    private string Target(OnboardingTokenView token) => $"onboarding token {token.Id} of {token.PersonName} ({Provider!.Name})";

    private async Task LoadAsync()
    {
        Providers = await providers.ListAsync(Operator, Aborted);
        Provider = null;
        Tokens = [];
        if (ProviderId is null && Providers.Count == 1)
        {
            // One provider (the sandbox alone): no need to choose.
            ProviderId = Providers[0].Id;
        }

        if (ProviderId is { } id)
        {
            Provider = Providers.FirstOrDefault(p => p.Id == id) ?? throw new OperationRefusedException("not_found", "No provider has that id.");
            Tokens = await tokens.ListAsync(Operator, id, Aborted);
        }
    }
}
