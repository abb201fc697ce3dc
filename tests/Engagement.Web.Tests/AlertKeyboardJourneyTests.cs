using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Journey 2 with the keyboard alone (Tab, Enter, Space, arrow keys and typing; no mouse): a communications officer
/// builds the audience and writes an urgent alert while the live counts follow, sends it; a second officer approves it
/// from the queue and watches the progress bar and the delivery report.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class AlertKeyboardJourneyTests(ConsoleFixture fixture)
{
    // An area no other console test subscribes anybody in, so the live count is exactly this test's residents.
    private const string Area = "bilborough";
    private const string Subject = "Car crime on Bracebridge Drive";

    [GeneratedRegex(@"/alerts/([0-9a-f-]{36})$")]
    private static partial Regex AlertUrl();

    private static async Task ToAsync(IPage page, ILocator target, string key, int maxPresses = 120)
    {
        await page.TabToAsync(target, maxPresses);
        await page.Keyboard.PressAsync(key);
    }

    private static async Task BackToAsync(IPage page, ILocator target, int maxPresses = 60)
    {
        for (var i = 0; i < maxPresses && !await target.EvaluateAsync<bool>("el => el === document.activeElement"); i++)
        {
            await page.Keyboard.PressAsync("Shift+Tab");
        }

        await Assertions.Expect(target).ToBeFocusedAsync();
    }

    private static ILocator Nav(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name });

    [Fact]
    public async Task an_urgent_alert_is_composed_sent_approved_and_followed_to_its_delivery_report_with_the_keyboard_alone()
    {
        foreach (var (sub, interest) in new[] { ("resident-keys-1", "vehicle-crime"), ("resident-keys-2", "asb") })
        {
            using var resident = fixture.Stack.Services.Client(TestTokens.Create("resident", sub));
            var subscribed = await resident.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { Area }, interests = new[] { interest } });
            Assert.True(subscribed.IsSuccessStatusCode, $"subscribing {sub}: {(int)subscribed.StatusCode}");
        }

        var author = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await author.DemoSignInAsync("communications", "comms-keys-author", Area, "alerts-keys-01-sign-in");
        await ToAsync(author, Nav(author, "Compose an alert"), "Enter");
        await author.WaitForURLAsync("**/alerts/new");
        await author.WaitForInteractiveAsync();
        var summary = author.Locator("#preview-summary");

        // The audience: the area chosen in the list by typing its name, an interest ticked with Space.
        var areas = author.GetByLabel("Areas (hold Ctrl");
        await author.TabToAsync(areas);
        await author.Keyboard.TypeAsync("Bilb");
        await Assertions.Expect(areas).ToHaveValuesAsync([Area]);
        await ToAsync(author, author.GetByLabel("Vehicle crime", new() { Exact = true }), "Space");

        // Urgent, with the arrow key in the priority group; the text typed while the preview re-renders around it.
        await author.TabToAsync(author.GetByLabel("Routine", new() { Exact = true }));
        await author.Keyboard.PressAsync("ArrowDown");
        await Assertions.Expect(author.GetByLabel("Urgent", new() { Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(author.GetByLabel("Urgent", new() { Exact = true })).ToBeFocusedAsync();
        await author.TabToAsync(author.GetByLabel("Subject", new() { Exact = true }));
        await author.Keyboard.TypeAsync(Subject);
        await author.TabToAsync(author.GetByLabel("Message", new() { Exact = true }));
        await author.Keyboard.TypeAsync("Two cars were broken into overnight. Keep valuables out of sight and call 101 with anything you saw.");
        await Assertions.Expect(author.GetByLabel("Subject", new() { Exact = true })).ToHaveValueAsync(Subject);
        await Assertions.Expect(author.GetByLabel("Message", new() { Exact = true })).ToBeFocusedAsync();
        await Assertions.Expect(summary).ToContainTextAsync("1 recipient");

        // Back up the form with Shift+Tab to widen the audience, and narrow it again: the counts follow, the focus stays.
        var asb = author.GetByLabel("Anti-social behaviour", new() { Exact = true });
        await BackToAsync(author, asb);
        await author.Keyboard.PressAsync("Space");
        await Assertions.Expect(summary).ToContainTextAsync("2 recipients");
        await author.Keyboard.PressAsync("Space");
        await Assertions.Expect(summary).ToContainTextAsync("1 recipient");
        await Assertions.Expect(asb).ToBeFocusedAsync();
        await Assertions.Expect(summary).ToContainTextAsync("approval: Yes");
        var preview = author.GetByRole(AriaRole.Region, new() { Name = "Preview" });
        await Assertions.Expect(preview).ToContainTextAsync("an urgent alert ignores the fatigue budget and quiet hours");
        await author.CheckAccessibilityAsync("alerts-keys-02-compose");

        await ToAsync(author, author.GetByRole(AriaRole.Button, new() { Name = "Send for approval" }), "Enter");
        await author.WaitForURLAsync(AlertUrl());
        var id = AlertUrl().Match(author.Url).Groups[1].Value;
        await Assertions.Expect(author.Locator("#alert-status")).ToHaveTextAsync("Awaiting approval");
        await author.CheckAccessibilityAsync("alerts-keys-03-awaiting-approval");

        // The second officer: the queue from the menu, approve with Enter, then the progress bar and the report.
        var approver = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await approver.DemoSignInAsync("communications", "comms-keys-approver", Area, "alerts-keys-04-approver-sign-in");
        await ToAsync(approver, Nav(approver, "Approval queue"), "Enter");
        await approver.WaitForURLAsync("**/alerts/approvals");
        await approver.WaitForInteractiveAsync();
        var approve = approver.GetByRole(AriaRole.Button, new() { Name = $"Approve and send: {Subject}" });
        await Assertions.Expect(approve).ToBeEnabledAsync();
        await approver.CheckAccessibilityAsync("alerts-keys-05-queue");
        await ToAsync(approver, approve, "Enter", maxPresses: 200);
        await approver.WaitForURLAsync(new Regex($"/alerts/{id}$"));
        await Assertions.Expect(approver.Locator("#fan-out")).ToBeVisibleAsync();
        await Assertions.Expect(approver.Locator("#alert-status")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(approver.Locator("#progress-text")).ToContainTextAsync("1 of 1 batches delivered (100%)");
        await Assertions.Expect(approver.GetByRole(AriaRole.Heading, new() { Name = "Delivery report" })).ToBeVisibleAsync();
        await Assertions.Expect(approver.GetByRole(AriaRole.Row, new() { Name = "Delivered: In the app" })).ToContainTextAsync("1");
        await approver.CheckAccessibilityAsync("alerts-keys-06-report");

        await Assertions.Expect(author.Locator("#alert-status")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await author.Context.CloseAsync();
        await approver.Context.CloseAsync();
    }
}
