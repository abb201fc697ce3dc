using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Debian's chromium, driven headless by Playwright. Playwright never downloads a browser here: the executable is
/// given, and <c>./engage test</c> installs the package when it is missing.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"{ExecutablePath} is missing: apt-get install -y chromium (./engage test does this).");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = Args });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A desktop browser window at the console.</summary>
    public Task<IPage> DesktopAsync(Uri baseUrl) => NewPageAsync(new BrowserNewContextOptions
    {
        BaseURL = baseUrl.ToString(),
        ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        Locale = "en-GB",
    });

    /// <summary>A phone: 390 CSS pixels wide, touch, as a resident uses the console.</summary>
    public Task<IPage> PhoneAsync(Uri baseUrl) => NewPageAsync(new BrowserNewContextOptions
    {
        BaseURL = baseUrl.ToString(),
        ViewportSize = new ViewportSize { Width = 390, Height = 844 },
        IsMobile = true,
        HasTouch = true,
        DeviceScaleFactor = 2,
        Locale = "en-GB",
    });

    private async Task<IPage> NewPageAsync(BrowserNewContextOptions options)
    {
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>What every page visited in a test goes through: an axe check and a screenshot.</summary>
public static class PageChecks
{
    /// <summary><c>.engage/test-results/screenshots/</c> in the repository (git-ignored).</summary>
    public static string ScreenshotFolder { get; } =
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(GatewayStack.SeedFile)!)!, ".engage", "test-results", "screenshots");

    /// <summary>
    /// Fails the test on any serious or critical axe-core violation, naming each rule and element; then saves a
    /// full-page screenshot as <c>{name}.png</c>.
    /// </summary>
    public static async Task CheckAccessibilityAsync(this IPage page, string name)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        AxeResult result = await page.RunAxe();
        var blocking = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });
        Assert.True(blocking.Count == 0, $"axe found serious or critical violations on {page.Url} ({name}):\n" + string.Join("\n",
            blocking.Select(v => $"- {v.Impact} {v.Id}: {v.Help}\n    " + string.Join("\n    ", v.Nodes.Select(n => n.Html)))));
    }

    /// <summary>WCAG 2.2 reflow: at 320 CSS pixels wide the page needs no sideways scrolling.</summary>
    public static async Task CheckReflowAsync(this IPage page)
    {
        var size = page.ViewportSize;
        await page.SetViewportSizeAsync(320, 800);
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await page.SetViewportSizeAsync(size?.Width ?? 1280, size?.Height ?? 900);
        Assert.True(width <= 320, $"{page.Url} is {width} CSS pixels wide at a 320-pixel viewport: it does not reflow.");
    }

    /// <summary>Presses Tab until <paramref name="target"/> has the focus (as a keyboard user would reach it), failing if it never does.</summary>
    public static async Task TabToAsync(this IPage page, ILocator target, int maxPresses = 60)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            if (await target.EvaluateAsync<bool>("el => el === document.activeElement"))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"Tab never reached {target} in {maxPresses} presses.");
    }

    /// <summary>Signs in through the local demo page, as a person would: role, id and area, then the button.</summary>
    public static async Task DemoSignInAsync(this IPage page, string role, string sub, string? area, string screenshot)
    {
        await page.GotoAsync("account/demo-sign-in");
        await page.CheckAccessibilityAsync(screenshot);
        await page.GetByLabel(RoleLabel(role), new() { Exact = true }).CheckAsync();
        await page.GetByLabel("User id").FillAsync(sub);
        if (area is not null)
        {
            await page.GetByLabel("Or choose areas").SelectOptionAsync(area);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("demo-sign-in", StringComparison.Ordinal));
    }

    private static string RoleLabel(string role) => role switch
    {
        "neighbourhood" => "Neighbourhood officer or PCSO",
        "communications" => "Communications officer",
        "analyst" => "Analyst",
        "resident" => "Resident",
        _ => "Admin",
    };
}
