using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Journey 4, "you said, we did" seen by the resident, with the keyboard alone: they book a surgery on a phone and ask
/// to hear back; the officer records the outcome naming them as the raiser; the inspector adopts the issue and records
/// what was done (through the API: the plan screens are not the resident's); the resident finds the message in their
/// inbox and the action on the "what happened to what I raised" page.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class YouSaidWeDidJourneyTests(ConsoleFixture fixture)
{
    private const string Area = "hucknall";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    [Fact]
    public async Task a_resident_who_asked_to_hear_back_sees_what_was_done_about_what_they_raised()
    {
        const string residentId = "resident-j4";
        var title = "Hucknall beat surgery " + Guid.NewGuid().ToString("N")[..6];
        using var residentApi = fixture.Stack.Services.Client(TestTokens.Create("resident", residentId));
        using var officerApi = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "officer-j4", [Area]));
        Assert.True((await residentApi.PutAsJsonAsync("/api/messaging/subscriptions/me", new { areas = new[] { Area }, interests = new[] { "asb" } })).IsSuccessStatusCode);
        var starts = fixture.SurgeriesClock.GetUtcNow().AddDays(2);
        var surgeryId = await ScheduleAsync(officerApi, Area, title, starts, "officer-j4", ("Hucknall Library", "Baker Street", "NG15 7AS"));

        // The resident books on a phone with the keyboard alone, and asks to hear back.
        var resident = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await resident.DemoSignInAsync("resident", residentId, null, "journey4-01-resident-sign-in");
        await resident.GotoAsync($"find-a-surgery/{surgeryId}");
        await Assertions.Expect(resident.GetByRole(AriaRole.Heading, new() { Name = "Book a place" })).ToBeVisibleAsync();
        await resident.WaitForInteractiveAsync();
        await resident.TabToAsync(resident.GetByLabel("Your name"));
        await resident.Keyboard.TypeAsync("Jo Raiser");
        await resident.Keyboard.PressAsync("Tab");
        await resident.Keyboard.TypeAsync("jo@example.org");
        var hearBack = resident.GetByLabel("Tell me what was done about anything I raise at this surgery");
        await resident.TabToAsync(hearBack);
        await resident.Keyboard.PressAsync("Space");
        await Assertions.Expect(hearBack).ToBeCheckedAsync();
        await resident.CheckAccessibilityAsync("journey4-02-resident-book-with-consent");
        await resident.AssertReflowsAt320Async();
        await resident.TabToAsync(resident.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }));
        await resident.Keyboard.PressAsync("Enter");
        await Assertions.Expect(resident.GetByRole(AriaRole.Heading, new() { Name = "You are booked" })).ToBeVisibleAsync();

        // The officer sees who asked to hear back (after giving a reason) and names them as the raiser of the issue.
        var officer = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await officer.DemoSignInAsync("neighbourhood", "officer-j4", Area, "journey4-03-officer-sign-in");
        await officer.GotoAsync($"surgeries/{surgeryId}");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        await officer.TypeIntoAsync(officer.GetByLabel("Why do you need to see the bookings?"), "Recording who raised what at the surgery");
        await officer.PressOnAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Show bookings" }));
        await Assertions.Expect(officer.GetByRole(AriaRole.Row).Filter(new() { HasText = "Jo Raiser" })).ToContainTextAsync("jo@example.org");
        fixture.SurgeriesClock.Advance(TimeSpan.FromDays(3));
        await officer.TypeIntoAsync(officer.GetByLabel("How many people came?"), "1");
        await officer.TabToAsync(officer.GetByLabel("Category"));
        await officer.Keyboard.TypeAsync("Anti");
        await Assertions.Expect(officer.GetByLabel("Category")).ToHaveValueAsync("asb");
        await officer.TypeIntoAsync(officer.GetByLabel("What was raised (no names or contact details)"), "Off-road bikes on the Linby Trail");
        var raiser = officer.GetByRole(AriaRole.Group, new() { Name = "Who raised it" }).GetByLabel("Jo Raiser");
        await officer.PressOnAsync(raiser, "Space");
        await Assertions.Expect(raiser).ToBeCheckedAsync();
        await officer.CheckAccessibilityAsync("journey4-04-officer-outcome-with-raiser");
        await officer.PressOnAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Record outcome" }));
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Outcome recorded");

        // The issue reaches Plans with the resident as its raiser: the page says it is being considered, and where it was raised.
        await TestInfrastructure.EventuallyAsync(() => residentApi.GetFromJsonAsync<JsonArray>("/api/plans/raised"), l => l!.Count == 1, Patience,
            "the issue to reach Plans with its raiser");
        await resident.PressOnAsync(resident.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "What happened to what I raised" }));
        await resident.WaitForURLAsync("**/what-i-raised");
        var issue = resident.GetByRole(AriaRole.Listitem).Filter(new() { Has = resident.GetByRole(AriaRole.Heading, new() { Name = "Off-road bikes on the Linby Trail" }) });
        await Assertions.Expect(issue).ToContainTextAsync("Your neighbourhood team is considering it");
        await Assertions.Expect(issue).ToContainTextAsync($"At the surgery \u201c{title}\u201d on {London.Show(starts).ToString("dddd d MMMM yyyy", English)}");
        await Assertions.Expect(issue).ToContainTextAsync("Anti-social behaviour");
        await Assertions.Expect(issue).ToContainTextAsync("Nothing has been recorded yet");
        await resident.CheckAccessibilityAsync("journey4-05-resident-what-i-raised-considered");

        // The inspector adopts it and records what was done.
        using var inspector = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "insp-j4", [Area]));
        var priority = (await inspector.GetFromJsonAsync<JsonArray>($"/api/plans/priorities?area={Area}"))!.Single(p => p!["category"]!.GetValue<string>() == "asb")!;
        var priorityId = priority["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await inspector.PostAsJsonAsync($"/api/plans/priorities/{priorityId}/adopt", new { reason = "Raised at the surgery; risk to walkers" })).StatusCode);
        var today = DateOnly.FromDateTime(London.Show(DateTimeOffset.UtcNow).DateTime);
        Assert.Equal(HttpStatusCode.OK, (await inspector.PostAsJsonAsync($"/api/plans/priorities/{priorityId}/actions",
            new { date = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), text = "Joint patrols with the council ranger; two bikes seized", outcome = "No reports since" })).StatusCode);
        await TestInfrastructure.EventuallyAsync(async () => (await residentApi.GetFromJsonAsync<JsonObject>("/api/messaging/inbox"))!["items"]!.AsArray(),
            items => items.Any(m => m!["kind"]!.GetValue<string>() == "you-said-we-did"), Patience, "\"You said, we did\" in the resident's inbox");

        // The resident reads it in the inbox, and follows it to the page.
        await resident.PressOnAsync(resident.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Your messages" }));
        await resident.WaitForURLAsync("**/inbox");
        var card = resident.GetByRole(AriaRole.Listitem).Filter(new() { Has = resident.GetByRole(AriaRole.Link, new() { Name = "You said, we did" }) });
        await Assertions.Expect(card).ToContainTextAsync("New");
        await resident.CheckAccessibilityAsync("journey4-06-resident-inbox");
        await resident.PressOnAsync(card.GetByRole(AriaRole.Link, new() { Name = "You said, we did" }));
        await Assertions.Expect(resident.GetByRole(AriaRole.Heading, new() { Name = "You said, we did", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(resident.Locator(".message-body")).ToContainTextAsync("Joint patrols with the council ranger; two bikes seized");
        await resident.CheckAccessibilityAsync("journey4-07-resident-message");
        await resident.PressOnAsync(resident.GetByRole(AriaRole.Link, new() { Name = "See what happened to everything you raised" }));
        await resident.WaitForURLAsync("**/what-i-raised");
        await Assertions.Expect(issue).ToContainTextAsync("Adopted as a local priority: action taken");
        await Assertions.Expect(issue).ToContainTextAsync($"{today.ToString("dddd d MMMM yyyy", English)}: Joint patrols with the council ranger; two bikes seized");
        await Assertions.Expect(issue).ToContainTextAsync("Result: No reports since");
        await resident.CheckAccessibilityAsync("journey4-08-resident-what-i-raised-actioned");
        await resident.AssertReflowsAt320Async();

        await officer.Context.CloseAsync();
        await resident.Context.CloseAsync();
    }

    /// <summary>A surgery with 5 places, scheduled through the API by its host officer; its id.</summary>
    internal static async Task<string> ScheduleAsync(HttpClient officer, string area, string title, DateTimeOffset starts, string officerId,
        (string Name, string Address, string Postcode) venue)
    {
        var scheduled = await officer.PostAsJsonAsync("/api/surgeries", new
        {
            areaCode = area, title, startsAt = starts, endsAt = starts.AddHours(1),
            venue = new { name = venue.Name, address = venue.Address, postcode = venue.Postcode, accessible = true },
            capacity = 5, hostOfficer = new { id = officerId, name = "PC " + officerId },
        });
        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);
        return (await scheduled.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
    }
}
