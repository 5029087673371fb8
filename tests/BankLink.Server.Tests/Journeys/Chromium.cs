using Microsoft.Playwright;

namespace BankLink.Server.Tests.Journeys;

/// <summary>
/// One headless Chromium for all browser journeys: Debian's chromium (CHROMIUM_PATH or /usr/bin/chromium), driven
/// by Playwright; Playwright's own browser download is never used. Screenshots go to TestResults/journeys.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.Combine(RepositoryPaths.Root, "TestResults", "journeys");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Chromium not found at {executable}: run ./test.sh (it installs Debian's chromium) or set CHROMIUM_PATH.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A fresh browser profile (no cookies): a phone (360 px wide) or a desktop, Japanese or English browser settings.</summary>
    public Task<IBrowserContext> NewCustomerAsync(bool phone = false) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = phone ? new ViewportSize { Width = 360, Height = 740 } : new ViewportSize { Width = 1280, Height = 900 },
        IsMobile = phone,
        HasTouch = phone,
        JavaScriptEnabled = false,
        Locale = "ja-JP",
        TimezoneId = "Asia/Tokyo",
    });

    /// <summary>Keeps a full-page picture of what the customer sees, named by journey and step.</summary>
    public static async Task ScreenshotAsync(IPage page, string journey, string step)
    {
        ArgumentNullException.ThrowIfNull(page);
        Directory.CreateDirectory(Path.Combine(ScreenshotFolder, journey));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, journey, step + ".png"), FullPage = true });
    }
}

[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>
{
    public const string Name = "Chromium";
}
