using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Journey 2: a communications officer composes an urgent alert with the live preview, a second officer approves it from
/// the queue, the fan-out's progress updates without a reload, and the resident reads, rates and replies on a phone.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class AlertJourneyTests(ConsoleFixture fixture)
{
    // An area no other console test subscribes anybody in, so the preview's count is exactly this test's resident.
    private const string Area = "clifton-west";
    private const string Resident = "resident-journey-2";
    private const string Neighbour = "neighbour-journey-2";
    private const string Subject = "Burglaries on Farnborough Road";
    private const string WelshSubject = "Byrgleriaethau ar Heol Farnborough";

    [GeneratedRegex(@"/alerts/([0-9a-f-]{36})$")]
    private static partial Regex AlertUrl();

    [GeneratedRegex(@"/inbox/[0-9a-f-]{36}$")]
    private static partial Regex MessageUrl();

    [Fact]
    public async Task an_urgent_alert_is_composed_with_a_live_preview_approved_by_a_second_officer_and_read_rated_and_answered_by_the_resident()
    {
        foreach (var (sub, interest) in new[] { (Resident, "burglary"), (Neighbour, "asb") })
        {
            using var resident = fixture.Stack.Services.Client(TestTokens.Create("resident", sub));
            var subscribed = await resident.PutAsJsonAsync("/api/messaging/subscriptions/me",
                new { areas = new[] { Area }, interests = new[] { interest }, language = "cy" });
            Assert.True(subscribed.IsSuccessStatusCode, $"subscribing {sub}: {(int)subscribed.StatusCode}");
        }

        // The author composes; the preview follows what they type.
        var author = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await author.DemoSignInAsync("communications", "comms-author", Area, "alerts-01-sign-in");
        await author.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Compose an alert" }).ClickAsync();
        await author.WaitForInteractiveAsync();
        var summary = author.Locator("#preview-summary");
        await author.GetByLabel("Areas (hold Ctrl").SelectOptionAsync(Area);
        await author.GetByLabel("Burglary", new() { Exact = true }).CheckAsync();
        await author.GetByLabel("Subject", new() { Exact = true }).FillAsync(Subject);
        await author.GetByLabel("Message", new() { Exact = true }).FillAsync("Three homes were broken into overnight. Lock doors and windows, and call 101 with anything you saw.");
        await Assertions.Expect(summary).ToContainTextAsync("1 recipient");
        await Assertions.Expect(summary).ToContainTextAsync("approval: No");
        // Both interests: two recipients, more than the stack's threshold of one, so even a routine alert needs approval.
        await author.GetByLabel("Anti-social behaviour", new() { Exact = true }).CheckAsync();
        await Assertions.Expect(summary).ToContainTextAsync("2 recipients");
        await Assertions.Expect(summary).ToContainTextAsync("approval: Yes");
        await author.GetByLabel("Anti-social behaviour", new() { Exact = true }).UncheckAsync();
        await Assertions.Expect(summary).ToContainTextAsync("1 recipient");
        await author.GetByLabel("Urgent", new() { Exact = true }).CheckAsync();
        await author.GetByLabel("Welsh subject").FillAsync(WelshSubject);
        await author.GetByLabel("Welsh message").FillAsync("Torrwyd i mewn i dri chartref dros nos. Ffoniwch 101.");
        await Assertions.Expect(summary).ToContainTextAsync("approval: Yes");
        var preview = author.GetByRole(AriaRole.Region, new() { Name = "Preview" });
        await Assertions.Expect(preview).ToContainTextAsync("an urgent alert ignores the fatigue budget and quiet hours");
        await Assertions.Expect(preview.GetByRole(AriaRole.Row, new() { Name = "In the app" })).ToContainTextAsync("1");
        await Assertions.Expect(preview).ToContainTextAsync("Welsh (Cymraeg)");
        await Assertions.Expect(preview).ToContainTextAsync($"{WelshSubject} / {Subject}");
        await Assertions.Expect(preview).ToContainTextAsync("segments for each text");
        await author.CheckAccessibilityAsync("alerts-02-compose-preview");
        await author.AssertReflowsAt320Async();

        var send = author.GetByRole(AriaRole.Button, new() { Name = "Send for approval" });
        await author.TabToAsync(send);
        await author.Keyboard.PressAsync("Enter");
        await author.WaitForURLAsync(AlertUrl());
        var id = AlertUrl().Match(author.Url).Groups[1].Value;
        await Assertions.Expect(author.Locator("#alert-status")).ToHaveTextAsync("Awaiting approval");
        await author.CheckAccessibilityAsync("alerts-03-awaiting-approval");
        await author.EvaluateAsync("() => window.stillThisPage = true");

        // The second officer approves it from the queue, with the keyboard.
        var approver = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await approver.DemoSignInAsync("communications", "comms-approver", Area, "alerts-04-approver-sign-in");
        await approver.GotoAsync("alerts/approvals");
        await approver.WaitForInteractiveAsync();
        var approve = approver.GetByRole(AriaRole.Button, new() { Name = $"Approve and send: {Subject}" });
        await Assertions.Expect(approve).ToBeEnabledAsync();
        await approver.CheckAccessibilityAsync("alerts-05-approval-queue");
        await approver.TabToAsync(approve, maxPresses: 200);
        await approver.Keyboard.PressAsync("Enter");
        await approver.WaitForURLAsync(new Regex($"/alerts/{id}$"));
        await Assertions.Expect(approver.Locator("#alert-status")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(approver.Locator("#progress-text")).ToContainTextAsync("1 of 1 batches delivered (100%)");
        await Assertions.Expect(approver.GetByRole(AriaRole.Heading, new() { Name = "Delivery report" })).ToBeVisibleAsync();
        await Assertions.Expect(approver.GetByRole(AriaRole.Row, new() { Name = "Delivered: In the app" })).ToContainTextAsync("1");
        await approver.CheckAccessibilityAsync("alerts-06-delivery-report");

        // The author's page followed it all by polling, without a reload.
        await Assertions.Expect(author.Locator("#alert-status")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        Assert.True(await author.EvaluateAsync<bool>("() => window.stillThisPage === true"), "the status page was reloaded");
        await Assertions.Expect(author.GetByText("comms-approver")).ToBeVisibleAsync();
        await author.Context.CloseAsync();
        await approver.Context.CloseAsync();

        // The resident reads it on their phone (Welsh and English together), says it was useful, and replies.
        var phone = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await phone.DemoSignInAsync("resident", Resident, null, "alerts-07-resident-sign-in");
        // A Welsh subscriber: the resident pages are in Welsh for them.
        await phone.GotoAsync("inbox");
        await Assertions.Expect(phone.Locator("html")).ToHaveAttributeAsync("lang", "cy");
        var message = phone.GetByRole(AriaRole.Link, new() { Name = $"{WelshSubject} / {Subject}" });
        await Assertions.Expect(message).ToBeVisibleAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Listitem).Filter(new() { Has = message })).ToContainTextAsync("Newydd");
        await phone.CheckAccessibilityAsync("alerts-08-inbox-phone");
        await phone.TabToAsync(message);
        await phone.Keyboard.PressAsync("Enter");
        await phone.WaitForURLAsync(MessageUrl());
        await phone.WaitForInteractiveAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"{WelshSubject} / {Subject}");
        await Assertions.Expect(phone.Locator(".message-body")).ToContainTextAsync("Lock doors and windows");
        // Reading, rating and replying with the keyboard alone.
        await phone.PressOnAsync(phone.GetByRole(AriaRole.Button, new() { Name = "Oedd, roedd yn ddefnyddiol" }));
        await Assertions.Expect(phone.Locator("#rating-status")).ToHaveTextAsync("Dywedoch chi fod hon yn ddefnyddiol. Diolch.");
        await phone.TypeIntoAsync(phone.GetByLabel("Eich ateb"), "I saw a white van on Farnborough Road at 2am.");
        await phone.PressOnAsync(phone.GetByRole(AriaRole.Button, new() { Name = "Anfon ateb" }));
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("Anfonwyd eich ateb");
        await phone.CheckAccessibilityAsync("alerts-09-message-rated-and-replied-phone");
        await phone.AssertReflowsAt320Async();
        await phone.Context.CloseAsync();

        using var residentApi = fixture.Stack.Services.Client(TestTokens.Create("resident", Resident));
        var inbox = (await residentApi.GetFromJsonAsync<JsonObject>("/api/messaging/inbox"))!;
        var item = inbox["items"]!.AsArray().Single(i => i!["alertId"]?.GetValue<string>() == id)!;
        Assert.True(item["read"]!.GetValue<bool>());
        Assert.True(item["useful"]!.GetValue<bool>());
        using var staffApi = fixture.Stack.Services.Client(TestTokens.Create("communications", "comms-reader", [Area]));
        var replies = (await staffApi.GetFromJsonAsync<JsonArray>($"/api/messaging/replies?alertId={id}&reason=journey+test"))!;
        Assert.Equal("I saw a white van on Farnborough Road at 2am.", Assert.Single(replies)!["body"]!.GetValue<string>());
    }
}
