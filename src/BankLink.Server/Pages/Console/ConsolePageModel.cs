using BankLink.CoreBanking;
using BankLink.Data.Operations;
using BankLink.Domain.Operators;
using BankLink.Server.Operators;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>
/// What the console's pages share: the operator, the outcome of the last change (an error of this answer, a notice code
/// or a four-eyes request id from the redirect after a change) and the one way a change is made: the role checked
/// first (a viewer's forged POST is 403 before anything is read), the reason required, the action run through
/// <see cref="OperatorActions"/> (which applies four-eyes), then a redirect to the page (post/redirect/get). A refusal
/// is shown on the page with its status code, never as a 500.
/// </summary>
public abstract class ConsolePageModel : PageModel
{
    /// <summary>What went wrong with this request, in words for the operator.</summary>
    public string? Error { get; protected set; }

    /// <summary>What the last change did, as a code from the redirect (never free text from the query).</summary>
    [BindProperty(Name = "done", SupportsGet = true)]
    public string? DoneCode { get; set; }

    /// <summary>The four-eyes request the last change became (from the redirect; a GUID, so nothing else can be echoed).</summary>
    [BindProperty(Name = "pending", SupportsGet = true)]
    public Guid? PendingId { get; set; }

    /// <summary>The reason every change asks for (a textarea: line breaks become spaces, the audit trail keeps one line).</summary>
    [BindProperty(Name = "reason")]
    public string? Reason { get; set; }

    public OperatorActor Operator => HttpContext.RequireOperator();

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>The words for <see cref="DoneCode"/> on this page; null for an unknown code.</summary>
    public virtual string? Done => null;

    public bool Allows(OperatorRole needed) => Operator.Role.Allows(needed);

    /// <summary>The reason as the operator typed it in a textarea, with line breaks and tabs as spaces (the rule allows no control characters).</summary>
    public static string? OneLine(string? raw) =>
        raw is null ? null : string.Join(' ', raw.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>A name or person in a four-eyes target: one line, cut at 100 characters.</summary>
    protected static string Cut(string? text)
    {
        var line = OneLine(text) ?? "";
        return line.Length <= 100 ? line : line[..100] + "…";
    }

    /// <summary>This page after <paramref name="load"/>; a refusal is shown on it with its status code.</summary>
    protected async Task<IActionResult> LoadPageAsync(Func<Task> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        try
        {
            await load();
        }
        catch (OperationRefusedException refused)
        {
            Error = refused.Message;
            Response.StatusCode = StatusOf(refused);
        }

        return Page();
    }

    /// <summary>
    /// Makes a change: role, then reason, then <paramref name="change"/>; on success a redirect to <paramref name="back"/>
    /// with the notice <paramref name="done"/> or the four-eyes request's id; on a refusal this page with the message.
    /// </summary>
    protected Task<IActionResult> ChangeAsync(
        OperatorRole needed, string back, string done, Func<OperatorActor, string, Task<OperatorActionOutcome>> change, Func<Task> reload) =>
        ChangeAsync(needed, back, _ => done, change, reload);

    /// <summary>As above, with the notice chosen from what the change did (<paramref name="done"/> is not called for a four-eyes request).</summary>
    protected Task<IActionResult> ChangeAsync(
        OperatorRole needed, string back, Func<OperatorActionOutcome, string> done, Func<OperatorActor, string, Task<OperatorActionOutcome>> change, Func<Task> reload)
    {
        ArgumentNullException.ThrowIfNull(done);
        return ChangeAndAnswerAsync(needed, change, outcome => Task.FromResult<IActionResult>(LocalRedirect(back + (back.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + (outcome.Pending && outcome.PendingId is { } id ? "pending=" + id.ToString("D") : "done=" + Uri.EscapeDataString(done(outcome))))), reload);
    }

    /// <summary>
    /// The change itself: role, reason, <paramref name="change"/>, then <paramref name="answer"/> with what it did (a
    /// change that made a secret shows it in this answer, never in a redirect); a refusal is this page with the message.
    /// </summary>
    protected async Task<IActionResult> ChangeAndAnswerAsync(
        OperatorRole needed, Func<OperatorActor, string, Task<OperatorActionOutcome>> change, Func<OperatorActionOutcome, Task<IActionResult>> answer, Func<Task> reload)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(reload);
        var actor = Operator;
        if (!actor.Role.Allows(needed))
        {
            return await ShowAsync(StatusCodes.Status403Forbidden,
                $"Your role ({actor.Role.ToName()}) does not allow this change: it needs the {needed.ToName()} role.", reload);
        }

        if (!OperatorReason.TryNormalize(OneLine(Reason), out var reason))
        {
            return await ShowAsync(StatusCodes.Status400BadRequest,
                $"Give a reason of {OperatorReason.MinLength} to {OperatorReason.MaxLength} characters: it goes into the audit trail with the change.", reload);
        }

        try
        {
            return await answer(await change(actor, reason));
        }
        catch (OperationRefusedException refused)
        {
            return await ShowAsync(StatusOf(refused), refused.Message, reload);
        }
        catch (CoreUnavailableException)
        {
            return await ShowAsync(StatusCodes.Status503ServiceUnavailable,
                "The core banking system cannot be reached, so nothing was changed. Try again in a few minutes.", reload);
        }
    }

    /// <summary>This page again with <paramref name="error"/> and <paramref name="status"/>, its data read again where it still can be.</summary>
    protected async Task<IActionResult> ShowAsync(int status, string error, Func<Task> reload)
    {
        ArgumentNullException.ThrowIfNull(reload);
        Error = error;
        Response.StatusCode = status;
        try
        {
            await reload();
        }
        catch (OperationRefusedException)
        {
            // The page shows the first refusal (a viewer's forged POST stays 403 whatever it names); its data stays empty.
        }
        catch (CoreUnavailableException)
        {
        }

        return Page();
    }

    /// <summary>The HTTP status of a refusal, as the admin API answers it.</summary>
    public static int StatusOf(OperationRefusedException refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return refused.Code switch
        {
            "not_found" => StatusCodes.Status404NotFound,
            "forbidden" => StatusCodes.Status403Forbidden,
            "conflict" or "same_operator" => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
    }
}
