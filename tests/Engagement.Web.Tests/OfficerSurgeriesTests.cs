using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Journey 5, surgeries: an officer schedules a series with rotating venues, sees it on the calendar (month and week),
/// reschedules one (meeting a change somebody else saved meanwhile) and cancels another, with the keyboard alone.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OfficerSurgeriesTests(ConsoleFixture fixture)
{
    private const string Area = "bulwell";

    [Fact]
    public async Task an_officer_schedules_a_series_sees_it_on_the_calendar_reschedules_one_and_cancels_another()
    {
        var sub = "officer-series-" + Guid.NewGuid().ToString("N")[..6];
        var title = "Bulwell weekly surgery " + Guid.NewGuid().ToString("N")[..6];
        var today = DateOnly.FromDateTime(London.Show(fixture.SurgeriesClock.GetUtcNow()).DateTime);
        var first = today.AddDays(2);
        var until = first.AddDays(14);

        var officer = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await officer.DemoSignInAsync("neighbourhood", sub, Area, "officer-series-01-sign-in");
        await officer.GotoAsync("surgeries");
        await officer.WaitForInteractiveAsync();
        await officer.GetByRole(AriaRole.Link, new() { Name = "Schedule a series" }).ClickAsync();
        await officer.WaitForURLAsync("**/surgeries/series/new");
        await officer.WaitForInteractiveAsync();
        await officer.CheckAccessibilityAsync("officer-series-02-form");

        // Weekly on the first date's weekday, from it for three weeks, at two venues in turn; the second venue's
        // postcode is refused beside it, and nothing typed is lost.
        await officer.GetByLabel("Title").FillAsync(title);
        await officer.GetByLabel("Day of the week").SelectOptionAsync(first.DayOfWeek.ToString());
        await officer.GetByLabel("Starts at").FillAsync("18:30");
        await officer.GetByLabel("Length in minutes").FillAsync("90");
        await officer.GetByLabel("First date").FillAsync(first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await officer.GetByLabel("Last date").FillAsync(until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await officer.Locator("#venue-0-name").FillAsync("Bulwell Library");
        await officer.Locator("#venue-0-address").FillAsync("Main Street, Bulwell");
        await officer.Locator("#venue-0-postcode").FillAsync("NG6 8AB");
        await officer.Locator("#venue-0-accessible").CheckAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Add another venue to the rotation" }).ClickAsync();
        await officer.GetByLabel("Venue, venue 2", new() { Exact = true }).FillAsync("Riverside Centre");
        await officer.GetByLabel("Address, venue 2").FillAsync("Highbury Road");
        await officer.GetByLabel("Postcode, venue 2").FillAsync("NOT A POSTCODE");
        await officer.GetByLabel("A private room is available, venue 2").CheckAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Schedule series" }).ClickAsync();

        await Assertions.Expect(officer.Locator("#error-venues-1--postcode")).ToContainTextAsync("valid UK postcode");
        await Assertions.Expect(officer.GetByLabel("Postcode, venue 2")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(officer.GetByLabel("Title")).ToHaveValueAsync(title);
        await Assertions.Expect(officer.GetByLabel("Address, venue 2")).ToHaveValueAsync("Highbury Road");
        await officer.CheckAccessibilityAsync("officer-series-03-error");

        await officer.GetByLabel("Postcode, venue 2").FillAsync("NG6 9AA");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Schedule series" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasText = "Series scheduled" })).ToContainTextAsync("3 surgeries scheduled");
        var made = officer.GetByRole(AriaRole.Table, new() { Name = "Surgeries in the new series" }).GetByRole(AriaRole.Row);
        await Assertions.Expect(made).ToHaveCountAsync(4);
        await Assertions.Expect(made.Nth(1)).ToContainTextAsync("Bulwell Library");
        await Assertions.Expect(made.Nth(2)).ToContainTextAsync("Riverside Centre");
        await Assertions.Expect(made.Nth(3)).ToContainTextAsync("Bulwell Library");
        await officer.CheckAccessibilityAsync("officer-series-04-scheduled");

        // The series has its own page for later: each surgery with its status and places in words, and a way to change it.
        await officer.GetByRole(AriaRole.Link, new() { Name = "See the series" }).ClickAsync();
        await officer.WaitForURLAsync("**/surgeries/series/*");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = $"Series: {title}", Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        var series = officer.GetByRole(AriaRole.Table, new() { Name = "Surgeries in this series" }).GetByRole(AriaRole.Row);
        await Assertions.Expect(series).ToHaveCountAsync(4);
        await Assertions.Expect(series.Nth(2)).ToContainTextAsync("Riverside Centre");
        await Assertions.Expect(series.Nth(2)).ToContainTextAsync("Scheduled");
        await Assertions.Expect(series.Nth(2)).ToContainTextAsync("10 of 10 places left");
        await Assertions.Expect(officer.GetByRole(AriaRole.Link, new() { Name = "Reschedule or cancel" })).ToHaveCountAsync(3);
        await officer.CheckAccessibilityAsync("officer-series-04b-series");
        await officer.AssertReflowsAt320Async();

        // The calendar: each surgery is a link in its day's cell, with its status in words.
        await officer.GetByRole(AriaRole.Link, new() { Name = "See them on the calendar" }).ClickAsync();
        await officer.WaitForURLAsync("**/surgeries/calendar?**");
        await officer.WaitForInteractiveAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = $"{first.ToString("MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"))} in Bulwell" })).ToBeVisibleAsync();
        var firstCell = officer.GetByRole(AriaRole.Cell).Filter(new() { HasText = first.ToString("dddd d MMMM", CultureInfo.GetCultureInfo("en-GB")) });
        await Assertions.Expect(firstCell.GetByRole(AriaRole.Link, new() { Name = $"6:30pm {title}" })).ToBeVisibleAsync();
        await Assertions.Expect(firstCell).ToContainTextAsync("Scheduled");
        await officer.CheckAccessibilityAsync("officer-series-05-calendar-month");
        await officer.AssertReflowsAt320Async();
        await officer.GetByRole(AriaRole.Link, new() { Name = "Show a week" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = "Week beginning" })).ToBeVisibleAsync();
        var firstDay = officer.GetByRole(AriaRole.Row).Filter(new() { HasText = first.ToString("dddd d MMMM", CultureInfo.GetCultureInfo("en-GB")) });
        await Assertions.Expect(firstDay.GetByRole(AriaRole.Link, new() { Name = $"6:30pm {title}" })).ToBeVisibleAsync();
        await officer.CheckAccessibilityAsync("officer-series-06-calendar-week");

        // Reschedule the first, with the keyboard alone. Somebody else changes it first: the 412 is explained, the
        // surgery as it now is shown, and what was typed stays until it is saved again.
        await officer.TabToAsync(firstDay.GetByRole(AriaRole.Link, new() { Name = $"6:30pm {title}" }));
        await officer.Keyboard.PressAsync("Enter");
        await officer.WaitForURLAsync("**/surgeries/*");
        await officer.WaitForInteractiveAsync();
        var surgeryUrl = officer.Url;
        var surgeryId = Guid.Parse(surgeryUrl[(surgeryUrl.LastIndexOf('/') + 1)..]);
        await officer.TabToAsync(officer.GetByRole(AriaRole.Link, new() { Name = "Reschedule or cancel this surgery" }));
        await officer.Keyboard.PressAsync("Enter");
        await officer.WaitForURLAsync($"**/surgeries/{surgeryId}/change");
        var slow = await SlowCircuit.RouteAsync(officer);
        await officer.ReloadAsync();
        await officer.WaitForInteractiveAsync();
        await officer.CheckAccessibilityAsync("officer-series-07-change");

        await officer.TabToAsync(officer.GetByLabel("Title"));
        await officer.Keyboard.PressAsync("Control+A");
        await officer.Keyboard.TypeAsync(title + " (moved)");
        // The start time typed key by key, with the server's replies held back so each re-render lands after the keystrokes
        // typed meanwhile (as on a loaded machine): the field must not echo a stale time over what was typed. InputDate did
        // ("HH:mm:ss" never matched the browser's "HH:mm", so every re-render wrote the time back): "1900" became 13:00.
        slow.Delay = TimeSpan.FromMilliseconds(400);
        await officer.TabToAsync(officer.GetByLabel("Starts at"));
        await officer.GetByLabel("Starts at").PressSequentiallyAsync("1900", new() { Delay = 150 });
        await Task.Delay(TimeSpan.FromSeconds(1));
        slow.Delay = TimeSpan.Zero;
        await Assertions.Expect(officer.GetByLabel("Starts at")).ToHaveValueAsync("19:00");
        await Assertions.Expect(officer.GetByLabel("Ends at")).ToHaveValueAsync("20:00");

        using (var api = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "officer-colleague", [Area])))
        {
            using var read = await api.GetAsync(new Uri($"/api/surgeries/{surgeryId}", UriKind.Relative));
            using var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/surgeries/{surgeryId}", UriKind.Relative))
            {
                Content = JsonContent.Create(new { venue = new { name = "Bulwell Riverside Hall", address = "Main Street, Bulwell", postcode = "NG6 8AB", accessible = true } }),
            };
            patch.Headers.IfMatch.Add(read.Headers.ETag!);
            using var changed = await api.SendAsync(patch);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Save the changes" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Alert)).ToContainTextAsync("Somebody else changed this surgery");
        await Assertions.Expect(officer.Locator("dl.facts")).ToContainTextAsync("Bulwell Riverside Hall");
        await Assertions.Expect(officer.GetByLabel("Title")).ToHaveValueAsync(title + " (moved)");
        await Assertions.Expect(officer.GetByLabel("Starts at")).ToHaveValueAsync("19:00");
        await officer.CheckAccessibilityAsync("officer-series-08-changed-meanwhile");

        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Save the changes" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasText = "Surgery rescheduled" })).ToContainTextAsync("7:00pm to 8:00pm");
        await Assertions.Expect(officer.Locator("dl.facts")).ToContainTextAsync(title + " (moved)");
        // The form was reloaded from the saved surgery, so the colleague's venue (which the officer left alone) stands.
        await Assertions.Expect(officer.Locator("dl.facts")).ToContainTextAsync("Bulwell Riverside Hall");

        // Cancel the second, with the keyboard: no reason is refused beside the field, then it is cancelled.
        await officer.GotoAsync($"surgeries/calendar?view=week&date={first.AddDays(7):yyyy-MM-dd}&area={Area}");
        await officer.WaitForInteractiveAsync();
        var second = officer.GetByRole(AriaRole.Link, new() { Name = $"6:30pm {title}" });
        await officer.TabToAsync(second);
        await officer.Keyboard.PressAsync("Enter");
        await officer.WaitForURLAsync("**/surgeries/*");
        await officer.WaitForInteractiveAsync();
        await officer.TabToAsync(officer.GetByRole(AriaRole.Link, new() { Name = "Reschedule or cancel this surgery" }));
        await officer.Keyboard.PressAsync("Enter");
        await officer.WaitForURLAsync("**/change");
        await officer.WaitForInteractiveAsync();
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Cancel the surgery" }), maxPresses: 80);
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.Locator("#error-reason")).ToContainTextAsync("Say why");
        await officer.TabToAsync(officer.GetByLabel("Why is it cancelled?"));
        await officer.Keyboard.TypeAsync("The venue is closed for repairs");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Cancel the surgery" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasText = "Surgery cancelled" })).ToBeVisibleAsync();
        await Assertions.Expect(officer.Locator("dl.facts")).ToContainTextAsync("Cancelled");
        await officer.CheckAccessibilityAsync("officer-series-09-cancelled");

        await officer.GotoAsync($"surgeries/calendar?view=week&date={first.AddDays(7):yyyy-MM-dd}&area={Area}");
        await officer.WaitForInteractiveAsync();
        var cancelledEntry = officer.GetByRole(AriaRole.Listitem).Filter(new() { HasText = title });
        await Assertions.Expect(cancelledEntry).ToContainTextAsync("Cancelled");

        // From any surgery of the series, its series: the cancelled one says so in words and can no longer be changed.
        await officer.GotoAsync($"surgeries/{surgeryId}");
        await officer.WaitForInteractiveAsync();
        await officer.GetByRole(AriaRole.Link, new() { Name = "See every surgery in its series" }).ClickAsync();
        await officer.WaitForURLAsync("**/surgeries/series/*");
        var cancelledRow = officer.GetByRole(AriaRole.Row).Filter(new() { HasText = "Cancelled" });
        await Assertions.Expect(cancelledRow).ToHaveCountAsync(1);
        await Assertions.Expect(cancelledRow.GetByRole(AriaRole.Link, new() { Name = "Reschedule or cancel" })).ToHaveCountAsync(0);
        await Assertions.Expect(officer.GetByRole(AriaRole.Row).Filter(new() { HasText = title + " (moved)" })).ToContainTextAsync("7:00pm to 8:00pm");
        await officer.CheckAccessibilityAsync("officer-series-10-series-after-changes");

        using var check = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "officer-check", [Area]));
        var moved = await check.GetFromJsonAsync<JsonElement>(new Uri($"/api/surgeries/{surgeryId}", UriKind.Relative));
        Assert.Equal(title + " (moved)", moved.GetProperty("title").GetString());
        Assert.Equal(London.At(first, new TimeOnly(19, 0)), moved.GetProperty("startsAt").GetDateTimeOffset());
        await officer.Context.CloseAsync();
    }
}
