using System.Net;
using System.Xml.Linq;
using BankLink.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace BankLink.Server.Tests;

/// <summary>Japanese by default, English on request, remembered; every word in both languages.</summary>
public sealed class CustomerLocalizationTests : IAsyncLifetime
{
    private readonly SchemaDatabase _database = new();
    private BankLinkApp _app = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new BankLinkApp(_database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public void Resources_JapaneseAndEnglishHaveTheSameKeysAndNoEmptyWord()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "src", "BankLink.Server", "Resources");
        var japanese = Words(Path.Combine(folder, "CustomerText.resx"));
        var english = Words(Path.Combine(folder, "CustomerText.en.resx"));

        Assert.Equal(japanese.Keys.Order(StringComparer.Ordinal), english.Keys.Order(StringComparer.Ordinal));
        Assert.All(japanese.Concat(english), word => Assert.False(string.IsNullOrWhiteSpace(word.Value), word.Key + " is empty"));
    }

    [Fact]
    public async Task Login_NoChoiceMade_Japanese()
    {
        var html = await _app.CreateClient().GetStringAsync(new Uri("/login", UriKind.Relative));

        Assert.Contains("<html lang=\"ja\">", html, StringComparison.Ordinal);
        Assert.Contains("ログインID", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Login.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LanguageSwitch_English_RememberedInACookieAndBackToThePage()
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var chosen = await client.GetAsync(new Uri("/language/en?returnUrl=%2Flogin%3FreturnUrl%3D%252Fx", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fx", chosen.Headers.Location!.OriginalString);
        var cookie = Assert.Single(chosen.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("banklink.lang=c%3Den%7Cuic%3Den", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        var html = await (await client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("Login ID", html, StringComparison.Ordinal);
        Assert.Contains("日本語", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    public async Task LanguageSwitch_ReturnUrlOffSite_StaysOnTheBanksSite(string returnUrl)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(new Uri("/language/en?returnUrl=" + Uri.EscapeDataString(returnUrl), UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/links", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task LanguageSwitch_UnknownLanguage_NotFoundProblem()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/language/fr", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Stylesheet_ServedFromTheSiteAsCss()
    {
        var response = await _app.CreateClient().GetAsync(new Uri("/css/customer.css", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
    }

    private static Dictionary<string, string> Words(string path) =>
        XDocument.Load(path).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value, StringComparer.Ordinal);
}
