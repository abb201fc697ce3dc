using System.Globalization;
using Engagement.ServiceDefaults;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Journey 1, with the keyboard alone: an officer schedules a surgery on the list and form, a resident books it on a
/// phone-sized page, and the officer sees the bookings (after giving a reason) and records the outcome.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SurgeryJourneyTests(ConsoleFixture fixture)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    [Fact]
    public async Task an_officer_schedules_a_surgery_a_resident_books_it_on_a_phone_and_the_officer_records_the_outcome()
    {
        var date = DateOnly.FromDateTime(London.Show(fixture.SurgeriesClock.GetUtcNow()).DateTime).AddDays(3);
        var title = "Bulwell beat surgery " + Guid.NewGuid().ToString("N")[..6];
        var start = London.At(date, new TimeOnly(18, 0));
        var when = $"{London.Show(start).ToString("dddd d MMMM yyyy", English)}, 6:00pm to 7:30pm";

        // The officer schedules it with the keyboard; a bad postcode comes back beside its field, and nothing typed is lost.
        var officer = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await officer.DemoSignInAsync("neighbourhood", "officer-j1", "bulwell", "journey1-01-officer-sign-in");
        await officer.WaitForInteractiveAsync();
        await officer.PressOnAsync(officer.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Surgeries" }));
        await officer.WaitForURLAsync("**/surgeries");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = "Surgeries", Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        await officer.CheckAccessibilityAsync("journey1-02-officer-surgeries");
        await officer.TypeIntoAsync(officer.GetByLabel("Title"), title);
        await officer.TypeDateAsync(officer.GetByLabel("Date"), date);
        await officer.TabToAsync(officer.GetByLabel("Starts at"));
        await officer.Keyboard.TypeAsync("1800", new() { Delay = 50 });
        await officer.TabToAsync(officer.GetByLabel("Ends at"));
        await officer.Keyboard.TypeAsync("1930", new() { Delay = 50 });
        await officer.TypeIntoAsync(officer.GetByLabel("Venue", new() { Exact = true }), "Bulwell Library");
        await officer.TypeIntoAsync(officer.GetByLabel("Address"), "Main Street, Bulwell");
        await officer.TypeIntoAsync(officer.GetByLabel("Postcode"), "NOT A POSTCODE");
        await officer.PressOnAsync(officer.GetByLabel("Step-free access"), "Space");
        await officer.TypeIntoAsync(officer.GetByLabel("Places to book"), "2");
        await officer.PressOnAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Schedule surgery" }));

        await Assertions.Expect(officer.Locator("#error-venue-postcode")).ToContainTextAsync("valid UK postcode");
        await Assertions.Expect(officer.GetByRole(AriaRole.Alert)).ToContainTextAsync("Postcode");
        await Assertions.Expect(officer.GetByLabel("Title")).ToHaveValueAsync(title);
        await Assertions.Expect(officer.GetByLabel("Address")).ToHaveValueAsync("Main Street, Bulwell");
        await Assertions.Expect(officer.GetByLabel("Postcode")).ToHaveAttributeAsync("aria-invalid", "true");
        await officer.CheckAccessibilityAsync("journey1-03-officer-schedule-error");

        await Assertions.Expect(officer.GetByLabel("Date")).ToHaveValueAsync(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Assertions.Expect(officer.GetByLabel("Starts at")).ToHaveValueAsync("18:00");
        await Assertions.Expect(officer.GetByLabel("Step-free access")).ToBeCheckedAsync();
        await officer.TypeIntoAsync(officer.GetByLabel("Postcode"), "NG6 8AB");
        await officer.PressOnAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Schedule surgery" }));
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Surgery scheduled");
        var row = officer.GetByRole(AriaRole.Row).Filter(new() { HasText = title });
        await Assertions.Expect(row).ToContainTextAsync(when);
        await Assertions.Expect(row).ToContainTextAsync("2 of 2 places left");
        await officer.CheckAccessibilityAsync("journey1-04-officer-scheduled");

        // The resident finds and books it on a phone, with the keyboard alone.
        var resident = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await resident.DemoSignInAsync("resident", "resident-j1", null, "journey1-05-resident-sign-in");
        await resident.GotoAsync("find-a-surgery");
        await resident.WaitForInteractiveAsync();
        await resident.TabToAsync(resident.GetByLabel("Your area"));
        await resident.Keyboard.TypeAsync("Bulwell");
        await Assertions.Expect(resident.GetByRole(AriaRole.Heading, new() { Name = "Coming up in Bulwell" })).ToBeVisibleAsync();
        var book = resident.GetByRole(AriaRole.Link, new() { Name = $"Book a place at {title}" });
        await Assertions.Expect(book).ToBeVisibleAsync();
        await Assertions.Expect(resident.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title })).ToContainTextAsync(when);
        await resident.CheckAccessibilityAsync("journey1-06-resident-find");
        await resident.AssertReflowsAt320Async();
        await resident.TabToAsync(book);
        await resident.Keyboard.PressAsync("Enter");
        await resident.WaitForURLAsync("**/find-a-surgery/*");
        await Assertions.Expect(resident.GetByRole(AriaRole.Heading, new() { Name = "Book a place" })).ToBeVisibleAsync();
        await resident.WaitForInteractiveAsync();
        await resident.CheckAccessibilityAsync("journey1-07-resident-book");
        await resident.AssertReflowsAt320Async();
        await resident.TabToAsync(resident.GetByLabel("Your name"));
        await resident.Keyboard.TypeAsync("Alex Resident");
        await resident.Keyboard.PressAsync("Tab");
        await resident.Keyboard.TypeAsync("alex@example.org");
        await resident.Keyboard.PressAsync("Tab");
        await resident.Keyboard.TypeAsync("A hearing loop, please");
        await resident.TabToAsync(resident.GetByRole(AriaRole.Button, new() { Name = "Book" }));
        await resident.Keyboard.PressAsync("Enter");
        await Assertions.Expect(resident.GetByRole(AriaRole.Heading, new() { Name = "You are booked" })).ToBeVisibleAsync();
        await resident.CheckAccessibilityAsync("journey1-08-resident-booked");
        await resident.PressOnAsync(resident.GetByRole(AriaRole.Link, new() { Name = "My bookings" }).First);
        await resident.WaitForURLAsync("**/my-bookings");
        var mine = resident.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title });
        await Assertions.Expect(mine).ToContainTextAsync("Booked");
        await Assertions.Expect(mine).ToContainTextAsync(when);
        await resident.CheckAccessibilityAsync("journey1-09-resident-my-bookings");

        // The officer sees who booked, only after saying why.
        await officer.PressOnAsync(officer.GetByRole(AriaRole.Table).GetByRole(AriaRole.Link, new() { Name = title }));
        await officer.WaitForURLAsync("**/surgeries/*");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        await officer.PressOnAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Show bookings" }));
        await Assertions.Expect(officer.Locator("#error-reason")).ToContainTextAsync("Say why");
        await Assertions.Expect(officer.GetByText("alex@example.org")).ToHaveCountAsync(0);
        await officer.TypeIntoAsync(officer.GetByLabel("Why do you need to see the bookings?"), "Checking access needs before the surgery");
        await officer.PressOnAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Show bookings" }));
        var booking = officer.GetByRole(AriaRole.Row).Filter(new() { HasText = "Alex Resident" });
        await Assertions.Expect(booking).ToContainTextAsync("alex@example.org");
        await Assertions.Expect(booking).ToContainTextAsync("A hearing loop, please");
        await Assertions.Expect(booking).ToContainTextAsync("Confirmed");
        await officer.CheckAccessibilityAsync("journey1-10-officer-bookings");

        // The outcome, with the keyboard: a phone number in a summary is refused beside it, then the API says the
        // surgery has not started; what was typed stays each time.
        await officer.TabToAsync(officer.GetByLabel("How many people came?"));
        await officer.Keyboard.TypeAsync("1");
        await officer.Keyboard.PressAsync("Tab");
        await officer.Keyboard.TypeAsync("Anti");
        await officer.Keyboard.PressAsync("Tab");
        await officer.Keyboard.TypeAsync("Motorbikes on the estate, call 07700 900123");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Add another issue" }));
        await officer.Keyboard.PressAsync("Enter");
        await officer.TabToAsync(officer.GetByLabel("Category").Nth(1));
        await officer.Keyboard.TypeAsync("Road");
        await officer.Keyboard.PressAsync("Tab");
        await officer.Keyboard.TypeAsync("Speeding on Highbury Road");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Record outcome" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.Locator("#error-issuesRaised-0--summary")).ToContainTextAsync("phone numbers");
        await Assertions.Expect(officer.GetByLabel("How many people came?")).ToHaveValueAsync("1");
        await Assertions.Expect(officer.GetByLabel("Category").Nth(1)).ToHaveValueAsync("road-safety");
        await officer.CheckAccessibilityAsync("journey1-11-officer-outcome-error");

        var summary = officer.Locator("#issue-0-summary");
        await officer.TypeIntoAsync(summary, "Motorbikes on the estate");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Record outcome" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Alert)).ToContainTextAsync("has not started");
        await Assertions.Expect(summary).ToHaveValueAsync("Motorbikes on the estate");

        fixture.SurgeriesClock.Advance(TimeSpan.FromDays(4));
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Record outcome" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Outcome recorded");
        await Assertions.Expect(officer.GetByText("1 person came")).ToBeVisibleAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Anti-social behaviour: Motorbikes on the estate" })).ToBeVisibleAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Road safety: Speeding on Highbury Road" })).ToBeVisibleAsync();
        await Assertions.Expect(officer.Locator("dl.facts")).ToContainTextAsync("Held");
        await officer.CheckAccessibilityAsync("journey1-12-officer-outcome-recorded");

        await officer.Context.CloseAsync();
        await resident.Context.CloseAsync();
    }
}
