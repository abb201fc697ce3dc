using System.Globalization;
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
        // The machine is small and shared: a page may take longer than Playwright's five seconds to come alive.
        Assertions.SetDefaultExpectTimeout(15_000);
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

    /// <summary>Waits until the page's Blazor circuit is live, so what is typed next reaches it.</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        Assertions.Expect(page.Locator("main[data-interactive='true']")).ToBeVisibleAsync();

    /// <summary>Text reflows at 320 CSS pixels (WCAG 1.4.10): nothing scrolls sideways. The viewport is put back after.</summary>
    public static async Task AssertReflowsAt320Async(this IPage page)
    {
        var before = page.ViewportSize!;
        await page.SetViewportSizeAsync(320, 800);
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        await page.SetViewportSizeAsync(before.Width, before.Height);
        Assert.True(width <= 320, $"{page.Url} is {width}px wide at a 320px viewport: it does not reflow.");
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

    /// <summary>Reaches <paramref name="target"/> with Tab and presses <paramref name="key"/> on it (Enter follows a link or a button; Space ticks a box).</summary>
    public static async Task PressOnAsync(this IPage page, ILocator target, string key = "Enter")
    {
        await page.TabToAsync(target);
        await page.Keyboard.PressAsync(key);
    }

    /// <summary>Reaches a field with Tab, selects what is in it and types over it, key by key.</summary>
    public static async Task TypeIntoAsync(this IPage page, ILocator field, string text)
    {
        await page.TabToAsync(field);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(text);
    }

    /// <summary>
    /// Types a date into a date field key by key. The order of its day, month and year boxes is the browser's (this
    /// headless chromium keeps month first whatever the page's locale), so a first date tells which comes first; the
    /// left arrow then goes back to the first box and the date is typed over it.
    /// </summary>
    public static async Task TypeDateAsync(this IPage page, ILocator field, DateOnly date)
    {
        await page.TabToAsync(field);
        await page.Keyboard.TypeAsync("01022030", new() { Delay = 30 });
        var dayFirst = await field.InputValueAsync() == "2030-02-01";
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.PressAsync("ArrowLeft");
        await page.Keyboard.TypeAsync(date.ToString(dayFirst ? "ddMMyyyy" : "MMddyyyy", CultureInfo.InvariantCulture), new() { Delay = 30 });
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
        try
        {
            await page.WaitForURLAsync(url => !url.Contains("demo-sign-in", StringComparison.Ordinal));
            await page.WaitForInteractiveAsync();
        }
        catch (TimeoutException)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, screenshot + "-failed.png"), FullPage = true });
            throw;
        }
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
