using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class InboxTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task a_resident_reads_rates_and_replies_to_an_alert_in_their_inbox_on_a_phone()
    {
        var sub = "resident-inbox-" + Guid.NewGuid().ToString("N")[..6];
        var subject = "Bogus callers " + Guid.NewGuid().ToString("N")[..6];
        using var me = fixture.Stack.Services.Client(TestTokens.Create("resident", sub: sub));
        using var subscribed = await me.PutAsJsonAsync(new Uri("/api/messaging/subscriptions/me", UriKind.Relative),
            new { areas = new[] { "bulwell" }, interests = new[] { "scams" }, language = "en" });
        Assert.True(subscribed.IsSuccessStatusCode, $"{(int)subscribed.StatusCode} {await subscribed.Content.ReadAsStringAsync()}");
        using var comms = fixture.Stack.Services.Client(TestTokens.Create("communications", sub: "comms-inbox", areas: ["bulwell"]));
        using var sent = await comms.PostAsJsonAsync(new Uri("/api/messaging/alerts", UriKind.Relative), new
        {
            type = "warn-and-inform", priority = "routine",
            audience = new { areas = new[] { "bulwell" }, interests = new[] { "scams" }, residents = true, kin = false },
            subject, body = "People claiming to be from the water board have been calling at homes.\nAsk for ID and call 101 if unsure.",
        });
        Assert.True(sent.IsSuccessStatusCode, $"{(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
        await TestInfrastructure.EventuallyAsync(() => me.GetStringAsync(new Uri("/api/messaging/inbox", UriKind.Relative)),
            body => body.Contains(subject, StringComparison.Ordinal), what: "the alert in the resident's inbox");

        var resident = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await resident.DemoSignInAsync("resident", sub, null, "inbox-01-resident-sign-in");
        await resident.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Your messages" }).ClickAsync();
        await resident.WaitForURLAsync("**/inbox");
        await resident.WaitForInteractiveAsync();
        var message = resident.GetByRole(AriaRole.Listitem).Filter(new() { HasText = subject });
        await Assertions.Expect(message).ToContainTextAsync("New");
        await resident.CheckAccessibilityAsync("inbox-02-inbox");
        await resident.AssertReflowsAt320Async();

        await message.GetByRole(AriaRole.Button, new() { Name = "Read message" }).ClickAsync();
        await Assertions.Expect(message).ToContainTextAsync("Ask for ID and call 101 if unsure.");
        await Assertions.Expect(message.Locator(".status")).ToHaveTextAsync("Read");
        await message.GetByRole(AriaRole.Button, new() { Name = "Yes" }).ClickAsync();
        await Assertions.Expect(message.GetByRole(AriaRole.Button, new() { Name = "Yes" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(message).ToContainTextAsync("you said this was useful");

        await message.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Assertions.Expect(resident.Locator("#error-body")).Not.ToBeEmptyAsync();
        await resident.CheckAccessibilityAsync("inbox-03-reply-error");
        await message.GetByLabel("Your reply").FillAsync("A man in a hi-vis jacket came to number 12 this morning.");
        await message.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Assertions.Expect(message.GetByRole(AriaRole.Status).Filter(new() { HasText = "Reply sent" })).ToBeVisibleAsync();
        await resident.CheckAccessibilityAsync("inbox-04-replied");

        var inbox = await me.GetFromJsonAsync<JsonElement>(new Uri("/api/messaging/inbox", UriKind.Relative));
        var item = inbox.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("subject").GetString() == subject);
        Assert.True(item.GetProperty("read").GetBoolean());
        Assert.True(item.GetProperty("useful").GetBoolean());
        using var replies = await comms.GetAsync(new Uri("/api/messaging/replies", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, replies.StatusCode);
        Assert.Contains("hi-vis jacket", await replies.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await resident.Context.CloseAsync();
    }
}
