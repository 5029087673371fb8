namespace BankLink.Server.Pages.Customer;

/// <summary>What every customer page sends: no framing (clickjacking), a strict CSP, no caching of personal data.</summary>
internal static class PageHeaders
{
    public static void Apply(HttpResponse response, string? formTarget = null)
    {
        // form-action also governs where a submitted form may be redirected, so the consent page names the
        // client's redirect origin: the approval ends in a redirect there (CSP Level 3 §6.4.1).
        response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'{(formTarget is null ? "" : " " + formTarget)}; frame-ancestors 'none'; base-uri 'none'";
        response.Headers.CacheControl = "no-cache, no-store"; // what antiforgery requires of pages with a form
        response.Headers.Pragma = "no-cache";
    }
}
