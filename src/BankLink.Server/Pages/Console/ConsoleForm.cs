using System.Globalization;
using System.Text.Encodings.Web;
using BankLink.Data.Operations;
using Microsoft.AspNetCore.Html;

namespace BankLink.Server.Pages.OperatorConsole;

/// <summary>Pieces every console form repeats.</summary>
public static class ConsoleForm
{
    /// <summary>The required reason of a change: a labelled textarea (<paramref name="id"/> must be unique on the page).</summary>
    /// <param name="value">What the operator typed, shown again when the form was refused (a page with one such form only).</param>
    public static IHtmlContent Reason(string id, string label = "Reason", string? value = null)
    {
        var encoded = HtmlEncoder.Default.Encode(id);
        return new HtmlString(string.Create(CultureInfo.InvariantCulture,
            $"<label for=\"{encoded}\">{HtmlEncoder.Default.Encode(label)} <small>(required, {OperatorReason.MinLength} to {OperatorReason.MaxLength} characters; kept in the audit trail)</small></label>"
            + $"<textarea id=\"{encoded}\" name=\"reason\" rows=\"2\" required minlength=\"{OperatorReason.MinLength}\" maxlength=\"{OperatorReason.MaxLength}\">{HtmlEncoder.Default.Encode(value ?? "")}</textarea>"));
    }
}
