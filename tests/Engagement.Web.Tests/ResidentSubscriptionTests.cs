using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>A resident on a phone signs up, sees an API error beside its field with nothing lost, unsubscribes and erases in two clicks.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ResidentSubscriptionTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task a_resident_signs_up_on_a_phone_keeps_what_they_typed_after_an_error_unsubscribes_and_erases_everything_in_two_clicks()
    {
        const string sub = "resident-signs-up";
        using var api = fixture.Stack.Services.Client(TestTokens.Create("resident", sub));
        var phone = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await phone.DemoSignInAsync("resident", sub, null, "subscription-01-sign-in");

        await Assertions.Expect(phone.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Your alerts" })).ToBeVisibleAsync();
        await phone.GotoAsync("subscription");
        await phone.WaitForInteractiveAsync();
        await phone.CheckAccessibilityAsync("subscription-02-new");

        var postcode = phone.GetByLabel("Your postcode");
        await postcode.FillAsync("XX1 1XX");
        await phone.GetByLabel("Burglary", new() { Exact = true }).CheckAsync();
        await phone.GetByLabel("Welsh (Cymraeg)").CheckAsync();
        await phone.GetByLabel("From").FillAsync("22:00");
        await phone.GetByLabel("Until").FillAsync("07:00");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();

        await Assertions.Expect(phone.GetByRole(AriaRole.Alert).First).ToContainTextAsync("There is a problem");
        await Assertions.Expect(phone.Locator("#error-postcode")).ToContainTextAsync("Not a valid UK postcode");
        await Assertions.Expect(postcode).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(postcode).ToHaveValueAsync("XX1 1XX");
        await Assertions.Expect(phone.GetByLabel("Burglary", new() { Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(phone.GetByLabel("Welsh (Cymraeg)")).ToBeCheckedAsync();
        await Assertions.Expect(phone.GetByLabel("From")).ToHaveValueAsync("22:00");
        await phone.CheckAccessibilityAsync("subscription-03-error-beside-the-field");
        await phone.AssertReflowsAt320Async();
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/messaging/subscriptions/me")).StatusCode);

        await postcode.FillAsync("ng6 8ab");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your choices are saved.");
        await Assertions.Expect(postcode).ToHaveValueAsync("NG6 8AB");
        await phone.CheckAccessibilityAsync("subscription-04-saved");
        var saved = (await api.GetFromJsonAsync<JsonObject>("/api/messaging/subscriptions/me"))!;
        Assert.Equal("bulwell", saved["postcodeArea"]!.GetValue<string>());
        Assert.Equal("cy", saved["language"]!.GetValue<string>());
        Assert.Equal("22:00", saved["quietHours"]!["start"]!.GetValue<string>());
        Assert.Equal("07:00", saved["quietHours"]!["end"]!.GetValue<string>());
        Assert.Equal(["burglary"], saved["interests"]!.AsArray().Select(i => i!.GetValue<string>()));

        await phone.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe from all alerts" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("You are unsubscribed");
        Assert.False((await api.GetFromJsonAsync<JsonObject>("/api/messaging/subscriptions/me"))!["active"]!.GetValue<bool>());

        // Two clicks: the first asks, the second erases.
        await phone.GetByRole(AriaRole.Button, new() { Name = "Erase everything" }).ClickAsync();
        var confirm = phone.GetByRole(AriaRole.Button, new() { Name = "Yes, erase everything" });
        await Assertions.Expect(confirm).ToBeVisibleAsync();
        await phone.CheckAccessibilityAsync("subscription-05-erase-confirm");
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/messaging/subscriptions/me")).StatusCode);
        await confirm.ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("is erased");
        await phone.CheckAccessibilityAsync("subscription-06-erased");
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/messaging/subscriptions/me")).StatusCode);
        await phone.Context.CloseAsync();
    }
}
