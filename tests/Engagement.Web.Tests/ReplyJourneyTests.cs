using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// A communications officer answers residents' replies in the order of the 72-hour clock: an overdue reply first, its
/// time overdue in words; answered from the page, and another passed on as an issue of the area.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReplyJourneyTests(ConsoleFixture fixture)
{
    // An area no other console test sends alerts to.
    private const string Area = "mapperley";
    private const string Resident = "resident-replies-journey";
    private const string OverdueBody = "I saw two men trying car door handles on Woodborough Road.";
    private const string FreshBody = "Youths on motorbikes on the recreation ground every evening.";

    /// <summary>An alert to the one resident of the area, delivered to their inbox, so they may reply to it.</summary>
    private async Task<string> AlertDeliveredAsync()
    {
        using var resident = fixture.Stack.Services.Client(TestTokens.Create("resident", Resident));
        (await resident.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { Area }, interests = new[] { "appeals" }, language = "en" }))
            .EnsureSuccessStatusCode();
        using var comms = fixture.Stack.Services.Client(TestTokens.Create("communications", "comms-replies-seed", areas: [Area]));
        var sent = await comms.PostAsJsonAsync("/api/messaging/alerts", new
        {
            type = "appeal", priority = "routine", audience = new { areas = new[] { Area }, interests = new[] { "appeals" } },
            subject = "Cars broken into in Mapperley", body = "Three cars were broken into overnight. Did you see anything?",
        });
        sent.EnsureSuccessStatusCode();
        var location = sent.Headers.Location!.ToString();
        await TestInfrastructure.EventuallyAsync(async () => (await comms.GetFromJsonAsync<JsonObject>(location))!["status"]!.GetValue<string>(),
            s => s == "completed", what: "the alert delivered");
        return (await sent.BodyAsync())["id"]!.GetValue<string>();
    }

    private async Task ReplyAsync(string alert, string body)
    {
        using var resident = fixture.Stack.Services.Client(TestTokens.Create("resident", Resident));
        (await resident.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task a_communications_officer_answers_an_overdue_reply_first_and_passes_another_on_as_an_issue()
    {
        var alert = await AlertDeliveredAsync();
        using (fixture.MessagingClock.Shift(TimeSpan.FromHours(-80)))
        {
            // Received 80 hours ago: its 72 hours ran out 8 hours ago.
            await ReplyAsync(alert, OverdueBody);
        }

        await ReplyAsync(alert, FreshBody);

        var page = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await page.DemoSignInAsync("communications", "comms-replies-journey", Area, "replies-01-sign-in");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Replies" }).ClickAsync();
        await page.WaitForURLAsync("**/replies");
        await page.WaitForInteractiveAsync();

        // The overdue reply leads, and says so in words, with its London time.
        var cards = page.Locator("li.card");
        await Assertions.Expect(cards).ToHaveCountAsync(2);
        var overdue = cards.Filter(new() { HasText = OverdueBody });
        var fresh = cards.Filter(new() { HasText = FreshBody });
        await Assertions.Expect(cards.First).ToContainTextAsync(OverdueBody);
        await Assertions.Expect(overdue.Locator(".status")).ToHaveTextAsync("Overdue");
        await Assertions.Expect(overdue).ToContainTextAsync("Overdue by 8 hours: the answer was due by");
        await Assertions.Expect(fresh.Locator(".status")).ToHaveTextAsync("Waiting");
        await Assertions.Expect(fresh).ToContainTextAsync("2 days 23 hours left: answer by");
        await page.CheckAccessibilityAsync("replies-02-by-the-clock");
        await page.AssertReflowsAt320Async();

        // An empty answer is refused beside its field; then the answer goes, and the reply leaves the waiting list.
        await overdue.GetByRole(AriaRole.Button, new() { Name = "Answer" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-body")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.GetByLabel("Your answer")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.CheckAccessibilityAsync("replies-03-answer-refused");
        await page.GetByLabel("Your answer").FillAsync("Thank you. An officer will call you today about what you saw.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send answer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Answer sent" })).ToBeVisibleAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(1);
        await Assertions.Expect(cards.First).ToContainTextAsync(FreshBody);

        // The other is passed on to the area's priorities, without personal data.
        await fresh.GetByRole(AriaRole.Button, new() { Name = "Mark as an issue" }).ClickAsync();
        await page.GetByLabel("Category").SelectOptionAsync("asb");
        await page.GetByLabel("Summary for the area's priorities").FillAsync("Off-road motorbikes on the recreation ground in the evenings");
        await page.CheckAccessibilityAsync("replies-04-mark-as-issue");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pass on as an issue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Passed on to Mapperley's priorities." })).ToBeVisibleAsync();
        await Assertions.Expect(fresh).ToContainTextAsync("Passed on as an issue of Mapperley's priorities.");
        await Assertions.Expect(fresh.GetByRole(AriaRole.Button, new() { Name = "Mark as an issue" })).ToHaveCountAsync(0);

        await page.GetByLabel("All replies, answered ones last").CheckAsync();
        await Assertions.Expect(cards).ToHaveCountAsync(2);
        await Assertions.Expect(cards.Last).ToContainTextAsync(OverdueBody);
        await Assertions.Expect(cards.Last.Locator(".status")).ToHaveTextAsync("Answered");
        await page.CheckAccessibilityAsync("replies-05-all");

        using var comms = fixture.Stack.Services.Client(TestTokens.Create("communications", "comms-replies-check", areas: [Area]));
        var replies = (await comms.GetFromJsonAsync<JsonArray>($"/api/messaging/replies?alertId={alert}"))!;
        var answered = replies.Single(r => r!["body"]!.GetValue<string>() == OverdueBody)!;
        Assert.Equal("Thank you. An officer will call you today about what you saw.", answered["answer"]!.GetValue<string>());
        var again = await comms.PostAsJsonAsync($"/api/messaging/replies/{replies.Single(r => r!["body"]!.GetValue<string>() == FreshBody)!["replyId"]}/issue",
            new { category = "asb", summary = "Twice" });
        Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
        await page.Context.CloseAsync();
    }
}
