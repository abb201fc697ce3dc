using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// The KIN register's name search (accents and capitals ignored, within the officer's areas) and the special category
/// data of a member: shown and changed only after the reason is given, each with its purpose, errors beside the field.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class KinSearchAndSensitiveTests(ConsoleFixture fixture)
{
    // An area no other console test registers key individuals in.
    private const string Area = "berridge";
    private const string Reason = "Reassurance calls after the Berridge incident";

    private async Task<string> RegisterAsync(string name, object? sensitive = null)
    {
        using var comms = fixture.Stack.Services.Client(TestTokens.Create("communications", "comms-kin-search-seed", areas: [Area]));
        var response = await comms.PostAsJsonAsync("/api/messaging/kin", new
        {
            name, roleInCommunity = "Community organiser", areas = new[] { Area }, issues = new[] { "community-cohesion" },
            email = $"{Guid.NewGuid():N}@example.org", preferredChannel = "email",
            consents = new[] { new { purpose = "tailored-messages", givenAt = DateTimeOffset.UtcNow.AddDays(-3), method = "written", wordingVersion = "kin-2025-01" } },
            reviewOn = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1)),
            sensitive,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"registering {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.BodyAsync())["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task an_officer_finds_a_key_individual_by_part_of_the_name_and_changes_their_special_category_data_with_the_keyboard_alone()
    {
        var token = Guid.NewGuid().ToString("N")[..6];
        var sian = $"Siân Llŷr {token}";
        var id = await RegisterAsync(sian, new { faith = new { value = "Church in Wales", purpose = "To invite to faith-community reassurance meetings" } });
        await RegisterAsync($"Bernard Lowe {token}");

        var page = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await page.DemoSignInAsync("communications", "comms-kin-search", Area, "kin-search-01-sign-in");
        await page.GotoAsync("kin");
        await page.WaitForInteractiveAsync();
        await page.TabToAsync(page.GetByLabel("Why do you need to read the register?"));
        await page.Keyboard.TypeAsync(Reason);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = sian })).ToBeVisibleAsync();

        // "sian llyr", without accents or capitals, finds Siân Llŷr and nobody else.
        await page.TabToAsync(page.GetByLabel("Name", new() { Exact = true }));
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync($"sian llyr {token}");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = $"Bernard Lowe {token}" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = sian })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 key individual shown");
        await page.CheckAccessibilityAsync("kin-search-02-found");
        await page.AssertReflowsAt320Async();

        await page.TabToAsync(page.GetByLabel("Name", new() { Exact = true }));
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync($"nobody {token}");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"No key individuals match the name ‘nobody {token}’.");
        await Assertions.Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync($"nobody {token}");

        await page.TabToAsync(page.GetByLabel("Name", new() { Exact = true }));
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("SIÂN");
        await page.Keyboard.PressAsync("Enter");
        var link = page.GetByRole(AriaRole.Link, new() { Name = sian });
        await page.TabToAsync(link);
        await page.Keyboard.PressAsync("Enter");

        // Her special category data, read with the reason, each with the purpose it is held for.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = sian, Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Special category data" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Faith: Church in Wales (purpose: To invite to faith-community reassurance meetings)")).ToBeVisibleAsync();
        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Change details" }), maxPresses: 120);
        await page.Keyboard.PressAsync("Enter");

        // An ethnicity without a real purpose is refused beside the purpose, and what was typed is kept.
        var ethnicity = page.GetByLabel("Ethnicity", new() { Exact = true });
        var ethnicityPurpose = page.GetByLabel("Why the register holds their ethnicity", new() { Exact = true });
        await page.TabToAsync(ethnicity, maxPresses: 150);
        await page.Keyboard.TypeAsync("Welsh");
        await page.TabToAsync(ethnicityPurpose);
        await page.Keyboard.TypeAsync("events");
        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }), maxPresses: 60);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#error-sensitive-ethnicity-purpose")).ToContainTextAsync("purpose");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Why the register holds their ethnicity");
        await Assertions.Expect(ethnicity).ToHaveValueAsync("Welsh");
        await Assertions.Expect(ethnicityPurpose).ToHaveAttributeAsync("aria-invalid", "true");
        await page.CheckAccessibilityAsync("kin-search-03-sensitive-refused");

        // A real purpose, and her faith removed by emptying it: saved, and the change is audited with the reason.
        await page.TabToAsync(ethnicityPurpose, maxPresses: 150);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("To invite to Welsh-language community meetings");
        foreach (var label in new[] { "Faith", "Why the register holds their faith" })
        {
            await page.TabToAsync(page.GetByLabel(label, new() { Exact = true }), maxPresses: 150);
            await page.Keyboard.PressAsync("Control+A");
            await page.Keyboard.PressAsync("Delete");
        }

        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }), maxPresses: 60);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Changes saved.");
        await Assertions.Expect(page.GetByText("Ethnicity: Welsh (purpose: To invite to Welsh-language community meetings)")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Faith: Church in Wales")).ToHaveCountAsync(0);
        await page.CheckAccessibilityAsync("kin-search-04-sensitive-saved");

        using var admin = fixture.Stack.Services.Client(TestTokens.Create("admin", "admin-kin-search-check"));
        var changes = (await admin.GetFromJsonAsync<JsonObject>($"/api/messaging/audit?subjectId={id}&action=change"))!["entries"]!.AsArray();
        Assert.Equal(Reason, Assert.Single(changes)!["reason"]!.GetValue<string>());
        var searches = (await admin.GetFromJsonAsync<JsonObject>("/api/messaging/audit?actor=comms-kin-search&action=consult"))!["entries"]!.AsArray();
        Assert.True(searches.Count(e => e!["subjectType"]!.GetValue<string>() == "kin-register" && e["reason"]!.GetValue<string>() == Reason) >= 4);
        Assert.DoesNotContain(searches, e => e!.ToJsonString().Contains("llyr", StringComparison.OrdinalIgnoreCase));
        await page.Context.CloseAsync();
    }
}
