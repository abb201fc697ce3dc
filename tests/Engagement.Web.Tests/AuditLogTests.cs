using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class AuditLogTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task an_admin_reads_who_consulted_bookings_and_why_with_filters()
    {
        // An officer reads a surgery's bookings through the API, giving a reason: one consult entry in the surgeries log.
        var reason = "audit page check " + Guid.NewGuid().ToString("N")[..6];
        using var officer = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", sub: "officer-audit", areas: ["bulwell"]));
        var starts = fixture.SurgeriesClock.GetUtcNow().AddDays(10);
        using var scheduled = await officer.PostAsJsonAsync(new Uri("/api/surgeries", UriKind.Relative), new
        {
            areaCode = "bulwell", title = "Audit surgery", startsAt = starts, endsAt = starts.AddHours(1),
            venue = new { name = "Hall", address = "1 Main Street", postcode = "NG6 8AB" }, capacity = 5,
            hostOfficer = new { id = "officer-audit", name = "PC Audit" },
        });
        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);
        var id = (await scheduled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var bookings = await officer.GetAsync(new Uri($"/api/surgeries/{id}/bookings?reason={Uri.EscapeDataString(reason)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, bookings.StatusCode);

        var admin = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await admin.DemoSignInAsync("admin", "admin-audit", null, "audit-01-admin-sign-in");
        await admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await admin.WaitForURLAsync("**/admin/audit-log");
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 })).ToBeVisibleAsync();
        await admin.WaitForInteractiveAsync();
        await admin.CheckAccessibilityAsync("audit-02-audit-log");

        // A date range the wrong way round comes back beside the field it names, with the other filters kept.
        await admin.GetByLabel("Action").SelectOptionAsync("consult");
        await admin.GetByLabel("Who (user id)").FillAsync("officer-audit");
        await admin.GetByLabel("From (UK date)").FillAsync("2026-12-10");
        await admin.GetByLabel("To (UK date, inclusive)").FillAsync("2026-12-01");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Show entries" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#error-to")).ToContainTextAsync("Must not be before from");
        await Assertions.Expect(admin.GetByLabel("Who (user id)")).ToHaveValueAsync("officer-audit");
        await admin.CheckAccessibilityAsync("audit-03-audit-log-error");

        await admin.GetByLabel("From (UK date)").FillAsync("");
        await admin.GetByLabel("To (UK date, inclusive)").FillAsync("");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Show entries" }).ClickAsync();
        var row = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = reason });
        await Assertions.Expect(row).ToContainTextAsync("officer-audit (neighbourhood)");
        await Assertions.Expect(row).ToContainTextAsync("consult");
        await Assertions.Expect(admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "collect" })).ToHaveCountAsync(0);
        await admin.CheckAccessibilityAsync("audit-04-audit-log-entries");
        await admin.Context.CloseAsync();
    }
}
