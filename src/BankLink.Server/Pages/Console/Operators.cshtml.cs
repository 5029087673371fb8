using BankLink.Data.Operations;
using BankLink.Data.Operators;
using BankLink.Domain.Operators;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// Operators and their admin API keys (admins only): list, add (the generated password and TOTP key shown once), change
/// role, disable and re-activate, reset credentials, issue and revoke API keys (a key shown once). Every change asks for
/// a reason, which goes into the audit trail; the store re-checks the role and refuses what would leave no active admin.
/// Changes without a secret end in a redirect (post/redirect/get); one that makes a secret shows it in the answer to
/// the POST itself, never in a URL or a cookie, and the page is never cached.
/// </summary>
[Authorize(Policy = OperatorPolicies.Admin)]
public sealed class ConsoleOperatorsModel(OperatorStore operators, OperatorApiKeys apiKeys, TimeProvider clock) : PageModel
{
    public IReadOnlyList<OperatorSummary> Operators { get; private set; } = [];

    public IReadOnlyList<OperatorApiKeySummary> ApiKeys { get; private set; } = [];

    /// <summary>A new or reset operator's secrets, shown in this answer only.</summary>
    public OperatorCredentials? NewCredentials { get; private set; }

    /// <summary>A new API key, shown in this answer only.</summary>
    public IssuedApiKey? NewApiKey { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public Guid Self { get; private set; }

    /// <summary>What the last change did, as a code from the redirect (never free text from the query).</summary>
    [BindProperty(Name = "notice", SupportsGet = true)]
    public string? NoticeCode { get; set; }

    [BindProperty(Name = "login_id")]
    public string? LoginId { get; set; }

    [BindProperty(Name = "name")]
    public string? Name { get; set; }

    [BindProperty(Name = "role")]
    public string? Role { get; set; }

    [BindProperty(Name = "reason")]
    public string? Reason { get; set; }

    [BindProperty(Name = "operator")]
    public Guid? OperatorId { get; set; }

    [BindProperty(Name = "key")]
    public Guid? KeyId { get; set; }

    [BindProperty(Name = "key_name")]
    public string? KeyName { get; set; }

    [BindProperty(Name = "days")]
    public int? Days { get; set; }

    public string? Notice => NoticeCode switch
    {
        "role-changed" => "The role was changed. It applies from the operator's next request.",
        "disabled" => "The operator was disabled. Their session and API keys stopped working at once.",
        "reactivated" => "The operator is active again.",
        "key-revoked" => "The API key was revoked.",
        _ => null,
    };

    public async Task OnGetAsync() => await LoadAsync();

    public Task<IActionResult> OnPostAddAsync() => ShowSecretAsync(async actor =>
    {
        if (!OperatorRoles.TryParse(Role, out var role))
        {
            throw new OperationRefusedException("invalid_request", "Choose a role: viewer, operator or admin.");
        }

        NewCredentials = await operators.CreateAsync(actor, LoginId ?? "", Name ?? "", role, Reason ?? "", HttpContext.RequestAborted);
    });

    public Task<IActionResult> OnPostRoleAsync() => ChangeAsync("role-changed", actor =>
        OperatorRoles.TryParse(Role, out var role)
            ? operators.ChangeRoleAsync(actor, OperatorId ?? Guid.Empty, role, Reason ?? "", HttpContext.RequestAborted)
            : throw new OperationRefusedException("invalid_request", "Choose a role: viewer, operator or admin."));

    public Task<IActionResult> OnPostDisableAsync() => ChangeAsync("disabled", actor =>
        operators.DisableAsync(actor, OperatorId ?? Guid.Empty, Reason ?? "", HttpContext.RequestAborted));

    public Task<IActionResult> OnPostReactivateAsync() => ChangeAsync("reactivated", actor =>
        operators.ReactivateAsync(actor, OperatorId ?? Guid.Empty, Reason ?? "", HttpContext.RequestAborted));

    public Task<IActionResult> OnPostResetAsync() => ShowSecretAsync(async actor =>
        NewCredentials = await operators.ResetCredentialsAsync(actor, OperatorId ?? Guid.Empty, Reason ?? "", HttpContext.RequestAborted));

    public Task<IActionResult> OnPostIssueKeyAsync() => ShowSecretAsync(async actor =>
    {
        if (Days is < 1 or > 3650)
        {
            throw new OperationRefusedException("invalid_request", "The number of days must be a whole number from 1.");
        }

        // The console always asks for a reason, also where the command line does not.
        if (!OperatorReason.TryNormalize(Reason, out _))
        {
            throw new OperationRefusedException("invalid_reason",
                $"A reason of {OperatorReason.MinLength} to {OperatorReason.MaxLength} characters is required; it goes into the audit trail.");
        }

        NewApiKey = await apiKeys.IssueAsync(actor, OperatorId ?? Guid.Empty, KeyName ?? "", Days is { } days ? TimeSpan.FromDays(days) : null, Reason,
            HttpContext.RequestAborted);
    });

    public Task<IActionResult> OnPostRevokeKeyAsync() => ChangeAsync("key-revoked", actor =>
        apiKeys.RevokeAsync(actor, KeyId ?? Guid.Empty, Reason ?? "", HttpContext.RequestAborted));

    /// <summary>A change that makes no secret: made, then the page again with what happened (post/redirect/get).</summary>
    private async Task<IActionResult> ChangeAsync<T>(string notice, Func<OperatorActor, Task<T>> change)
    {
        try
        {
            await change(HttpContext.RequireOperator());
            return LocalRedirect("/console/operators?notice=" + notice);
        }
        catch (OperationRefusedException refused)
        {
            return await RefusedAsync(refused);
        }
    }

    /// <summary>A change that makes a secret: the page is the answer to the POST, with the secret this once.</summary>
    private async Task<IActionResult> ShowSecretAsync(Func<OperatorActor, Task> change)
    {
        try
        {
            await change(HttpContext.RequireOperator());
            await LoadAsync();
            return Page();
        }
        catch (OperationRefusedException refused)
        {
            NewCredentials = null;
            NewApiKey = null;
            return await RefusedAsync(refused);
        }
    }

    private async Task<IActionResult> RefusedAsync(OperationRefusedException refused)
    {
        Error = refused.Message;
        Response.StatusCode = refused.Code switch
        {
            "not_found" => StatusCodes.Status404NotFound,
            "forbidden" => StatusCodes.Status403Forbidden,
            "conflict" or "same_operator" => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        Now = clock.GetUtcNow();
        Self = HttpContext.RequireOperator().OperatorId;
        Operators = await operators.ListAsync(HttpContext.RequestAborted);
        ApiKeys = await apiKeys.ListAsync(null, HttpContext.RequestAborted);
    }
}
