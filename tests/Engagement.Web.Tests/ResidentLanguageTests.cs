using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// The resident pages in English and Welsh, per user: a Welsh subscriber reads Welsh without choosing it, the switch
/// on every page changes it and is remembered over the subscription's language; a resident signs up with the keyboard
/// alone; every resident page reflows at 320 px in both languages and passes axe with its <c>lang</c> set.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ResidentLanguageTests(ConsoleFixture fixture)
{
    private static readonly string[] ResidentPages = ["inbox", "subscription", "find-a-surgery", "my-bookings", "what-i-raised"];

    private static Task ExpectLanguageAsync(IPage page, string lang) => Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", lang);

    private static async Task VisitAsync(IPage page, string path, string heading, string lang, string screenshot)
    {
        await page.GotoAsync(path);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await ExpectLanguageAsync(page, lang);
        await page.WaitForInteractiveAsync();
        await page.CheckAccessibilityAsync(screenshot);
        await page.AssertReflowsAt320Async();
    }

    [Fact]
    public async Task a_welsh_subscriber_reads_the_resident_pages_in_welsh_and_the_switch_is_remembered()
    {
        const string area = "arnold";
        using var residentApi = fixture.Stack.Services.Client(TestTokens.Create("resident", "resident-cy"));
        Assert.True((await residentApi.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { area }, interests = new[] { "asb" }, language = "cy" })).IsSuccessStatusCode);
        using var officerApi = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "officer-cy", [area]));
        var starts = fixture.SurgeriesClock.GetUtcNow().AddDays(5);
        await YouSaidWeDidJourneyTests.ScheduleAsync(officerApi, area, "Cymhorthfa Arnold", starts, "officer-cy", ("Arnold Library", "Front Street", "NG5 7EE"));

        var phone = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await phone.DemoSignInAsync("resident", "resident-cy", null, "welsh-01-sign-in");

        // No choice made yet: the subscription's language, Welsh, on every resident page, dates included.
        await VisitAsync(phone, "", "Ymgysylltu â'r gymdogaeth", "cy", "welsh-02-home");
        await Assertions.Expect(phone.Locator("main").GetByRole(AriaRole.Link, new() { Name = "Dod o hyd i gymhorthfa" })).ToBeVisibleAsync();
        await VisitAsync(phone, "inbox", "Eich negeseuon", "cy", "welsh-03-inbox");
        await Assertions.Expect(phone.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Beth ddigwyddodd i'r hyn a godais i" })).ToBeVisibleAsync();
        await VisitAsync(phone, "subscription", "Eich rhybuddion", "cy", "welsh-04-subscription");
        await Assertions.Expect(phone.GetByRole(AriaRole.Group, new() { Name = "Iaith" }).GetByLabel("Cymraeg")).ToBeCheckedAsync();
        await Assertions.Expect(phone.GetByLabel("Ymddygiad gwrthgymdeithasol")).ToBeCheckedAsync();
        await VisitAsync(phone, "find-a-surgery", "Dod o hyd i gymhorthfa", "cy", "welsh-05-find-a-surgery");
        await phone.GetByLabel("Eich ardal").SelectOptionAsync(area);
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "I ddod yn Arnold" })).ToBeVisibleAsync();
        var card = phone.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Cymhorthfa Arnold" });
        var welsh = CultureInfo.GetCultureInfo("cy");
        await Assertions.Expect(card).ToContainTextAsync(London.Show(starts).ToString("dddd d MMMM yyyy", welsh));
        await Assertions.Expect(card).ToContainTextAsync("5 o 5 lle ar ôl");
        await Assertions.Expect(card.GetByRole(AriaRole.Link, new() { Name = "Archebu lle yn Cymhorthfa Arnold" })).ToBeVisibleAsync();
        await phone.CheckAccessibilityAsync("welsh-06-find-a-surgery-results");
        await phone.AssertReflowsAt320Async();
        await VisitAsync(phone, "my-bookings", "Fy archebion", "cy", "welsh-07-my-bookings");
        await VisitAsync(phone, "what-i-raised", "Beth ddigwyddodd i'r hyn a godais i", "cy", "welsh-08-what-i-raised");
        await Assertions.Expect(phone.GetByText("Dim byd eto.", new() { Exact = false })).ToBeVisibleAsync();

        // The switch names the other language in itself, and the choice outlasts the subscription's.
        var toEnglish = phone.GetByRole(AriaRole.Navigation, new() { Name = "Iaith" }).GetByRole(AriaRole.Link, new() { Name = "English" });
        await Assertions.Expect(toEnglish).ToHaveAttributeAsync("lang", "en-GB");
        await toEnglish.ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "What happened to what I raised", Level = 1 })).ToBeVisibleAsync();
        await ExpectLanguageAsync(phone, "en-GB");
        await VisitAsync(phone, "inbox", "Your messages", "en-GB", "welsh-09-inbox-switched-to-english");
        var toWelsh = phone.GetByRole(AriaRole.Navigation, new() { Name = "Language" }).GetByRole(AriaRole.Link, new() { Name = "Cymraeg" });
        await Assertions.Expect(toWelsh).ToHaveAttributeAsync("lang", "cy");
        await toWelsh.ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Eich negeseuon", Level = 1 })).ToBeVisibleAsync();
        await ExpectLanguageAsync(phone, "cy");
        await phone.Context.CloseAsync();
    }

    [Fact]
    public async Task a_resident_signs_up_with_the_keyboard_alone_and_every_resident_page_reflows_at_320px()
    {
        const string sub = "resident-keys";
        using var api = fixture.Stack.Services.Client(TestTokens.Create("resident", sub));
        var phone = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await phone.DemoSignInAsync("resident", sub, null, "keyboard-01-sign-in");
        await phone.GotoAsync("subscription");
        await phone.WaitForInteractiveAsync();
        await ExpectLanguageAsync(phone, "en-GB");

        await phone.TabToAsync(phone.GetByLabel("Your postcode"));
        await phone.Keyboard.TypeAsync("NG6 8AB");
        var burglary = phone.GetByLabel("Burglary", new() { Exact = true });
        await phone.TabToAsync(burglary);
        await phone.Keyboard.PressAsync("Space");
        await Assertions.Expect(burglary).ToBeCheckedAsync();
        await phone.TabToAsync(phone.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }));
        await phone.Keyboard.PressAsync("Enter");
        await Assertions.Expect(phone.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your choices are saved.");
        await phone.CheckAccessibilityAsync("keyboard-02-subscribed");
        var saved = (await api.GetFromJsonAsync<JsonObject>("/api/messaging/subscriptions/me"))!;
        Assert.Equal("bulwell", saved["postcodeArea"]!.GetValue<string>());
        Assert.Equal(["burglary"], saved["interests"]!.AsArray().Select(i => i!.GetValue<string>()));

        // The language switch with the keyboard too: Enter on the link, and the page comes back in Welsh.
        await phone.TabToAsync(phone.GetByRole(AriaRole.Link, new() { Name = "Cymraeg" }));
        await phone.Keyboard.PressAsync("Enter");
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Eich rhybuddion", Level = 1 })).ToBeVisibleAsync();
        await ExpectLanguageAsync(phone, "cy");
        await Assertions.Expect(phone.GetByLabel("Eich cod post")).ToHaveValueAsync("NG6 8AB");

        foreach (var page in ResidentPages)
        {
            await phone.GotoAsync(page);
            await ExpectLanguageAsync(phone, "cy");
            await phone.AssertReflowsAt320Async();
        }

        await phone.GotoAsync("language/en?returnUrl=/inbox");
        await ExpectLanguageAsync(phone, "en-GB");
        foreach (var page in ResidentPages)
        {
            await phone.GotoAsync(page);
            await ExpectLanguageAsync(phone, "en-GB");
            await phone.AssertReflowsAt320Async();
        }

        await phone.Context.CloseAsync();
    }
}
