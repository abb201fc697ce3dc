using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// The communications officer's Key Individual Network register: a reason before any key individual is shown (and
/// asked again on the next visit), filters, a member's details, registering, changing and erasing, errors by the field.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class KinJourneyTests(ConsoleFixture fixture)
{
    // An area no other console test registers key individuals in.
    private const string Area = "dales";
    private const string AreaName = "Dales";

    [GeneratedRegex(@"/kin/([0-9a-f-]{36})\?registered=true$")]
    private static partial Regex RegisteredUrl();

    private async Task<string> RegisterAsync(string name, string issue, string email)
    {
        using var comms = fixture.Stack.Services.Client(TestTokens.Create("communications", "comms-kin-seed", areas: [Area]));
        var response = await comms.PostAsJsonAsync("/api/messaging/kin", new
        {
            name, roleInCommunity = "Community organiser", areas = new[] { Area }, issues = new[] { issue }, email, preferredChannel = "email",
            consents = new[] { new { purpose = "tailored-messages", givenAt = DateTimeOffset.UtcNow.AddDays(-3), method = "written", wordingVersion = "kin-2025-01" } },
            reviewOn = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(1)),
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"registering {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.BodyAsync())["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task a_communications_officer_gives_a_reason_finds_a_key_individual_and_registers_another_with_the_keyboard_alone()
    {
        await RegisterAsync("Amira Khan", "hate-crime", "amira.khan@example.org");
        await RegisterAsync("Bernard Lowe", "road-safety", "bernard.lowe@example.org");
        const string Reason = "Reassurance calls after the Dales hate incident";

        var page = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await page.DemoSignInAsync("communications", "comms-kin-journey", Area, "kin-01-sign-in");
        var navLink = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Key individuals" });
        await page.TabToAsync(navLink);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/kin");
        await page.WaitForInteractiveAsync();

        // Nothing of anyone before a reason; a reason too short is refused beside its field, and what was typed stays.
        var reason = page.GetByLabel("Why do you need to read the register?");
        await Assertions.Expect(reason).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
        await page.CheckAccessibilityAsync("kin-02-reason");
        await page.TabToAsync(reason);
        await page.Keyboard.TypeAsync("checking");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#error-X-Access-Reason")).ToContainTextAsync("at least 10 characters");
        await Assertions.Expect(reason).ToHaveValueAsync("checking");
        await Assertions.Expect(reason).ToHaveAttributeAsync("aria-invalid", "true");
        await page.CheckAccessibilityAsync("kin-03-reason-refused");
        await page.TabToAsync(reason);
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync(Reason);
        await page.Keyboard.PressAsync("Enter");

        // The register, filtered by issue with the keyboard.
        await Assertions.Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "Amira Khan" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "Bernard Lowe" })).ToBeVisibleAsync();
        await page.CheckAccessibilityAsync("kin-04-register");
        await page.TabToAsync(page.GetByLabel("Issue", new() { Exact = true }));
        await page.Keyboard.TypeAsync("Hate");
        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Show key individuals" }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "Bernard Lowe" })).ToHaveCountAsync(0);
        var amira = page.GetByRole(AriaRole.Link, new() { Name = "Amira Khan" });
        await page.TabToAsync(amira);
        await page.Keyboard.PressAsync("Enter");

        // Her details, read with the reason given once for this visit.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Amira Khan", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("amira.khan@example.org");
        await page.CheckAccessibilityAsync("kin-05-member");
        await page.AssertReflowsAt320Async();
        await page.TabToAsync(page.GetByRole(AriaRole.Link, new() { Name = "Back to the register" }));
        await page.Keyboard.PressAsync("Enter");
        var registerLink = page.GetByRole(AriaRole.Link, new() { Name = "Register a key individual" });
        await page.TabToAsync(registerLink);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/kin/new");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Register a key individual" })).ToBeVisibleAsync();

        async Task Type(string label, string text)
        {
            await page.TabToAsync(page.GetByLabel(label, new() { Exact = true }), maxPresses: 120);
            await page.Keyboard.TypeAsync(text);
        }

        async Task Tick(string label)
        {
            await page.TabToAsync(page.GetByLabel(label, new() { Exact = true }), maxPresses: 120);
            await page.Keyboard.PressAsync("Space");
        }

        await Type("Full name", "Chidi Okafor");
        await Type("Organisation (optional)", "Dales Youth Forum");
        await Type("Role in the community", "Youth worker");
        await Tick(AreaName);
        await Tick("Young people");
        await Type("Email (optional)", "chidi.okafor");
        await Tick("General updates");
        await Type("How consent was given", "In person");
        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Register" }), maxPresses: 120);
        await page.Keyboard.PressAsync("Enter");

        // The API's error is beside the email field, and everything typed is still there.
        await Assertions.Expect(page.Locator("#error-email")).ToContainTextAsync("email address");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Email");
        await Assertions.Expect(page.GetByLabel("Full name", new() { Exact = true })).ToHaveValueAsync("Chidi Okafor");
        await Assertions.Expect(page.GetByLabel("Young people", new() { Exact = true })).ToBeCheckedAsync();
        await page.CheckAccessibilityAsync("kin-06-register-refused");
        await page.TabToAsync(page.GetByLabel("Email (optional)", new() { Exact = true }), maxPresses: 120);
        // Tabbing into a field selects what is in it: End keeps it and adds to it.
        await page.Keyboard.PressAsync("End");
        await page.Keyboard.TypeAsync("@example.org");
        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Register" }), maxPresses: 120);
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(RegisteredUrl());
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Key individual registered.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Chidi Okafor", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("chidi.okafor@example.org");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Young people");
        await page.CheckAccessibilityAsync("kin-07-registered");

        // Every read carried the reason to the audit log: the list and each member's details.
        using var admin = fixture.Stack.Services.Client(TestTokens.Create("admin", "admin-kin-check"));
        var audit = (await admin.GetFromJsonAsync<JsonObject>("/api/messaging/audit?actor=comms-kin-journey&action=consult"))!["entries"]!.AsArray();
        Assert.Contains(audit, e => e!["subjectType"]!.GetValue<string>() == "kin-register" && e["reason"]!.GetValue<string>() == Reason);
        Assert.Equal(2, audit.Count(e => e!["subjectType"]!.GetValue<string>() == "kin-member" && e["reason"]!.GetValue<string>() == Reason));

        // A new visit asks again: the reason lives only in that visit's circuit.
        await page.GotoAsync("kin");
        await page.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByLabel("Why do you need to read the register?")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task a_key_individual_is_changed_and_then_erased_after_a_confirmation_with_a_reason()
    {
        var id = await RegisterAsync("Dorota Nowak", "community-cohesion", "dorota.nowak@example.org");
        var page = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await page.DemoSignInAsync("communications", "comms-kin-change", Area, "kin-10-sign-in");
        await page.GotoAsync($"kin/{id}");
        await page.WaitForInteractiveAsync();
        await page.GetByLabel("Why do you need to read the register?").FillAsync("Updating her details at her request");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dorota Nowak", Level = 1 })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Change details" }).ClickAsync();
        await page.GetByLabel("Role in the community", new() { Exact = true }).FillAsync("Chair, Polish Saturday School");
        await page.GetByLabel("Phone (optional)", new() { Exact = true }).FillAsync("12345");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-phone")).ToContainTextAsync("UK phone number");
        await Assertions.Expect(page.GetByLabel("Role in the community", new() { Exact = true })).ToHaveValueAsync("Chair, Polish Saturday School");
        await page.CheckAccessibilityAsync("kin-11-change-refused");
        await page.GetByLabel("Phone (optional)", new() { Exact = true }).FillAsync("07700 900456");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Changes saved.");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Chair, Polish Saturday School");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("+447700900456");

        await page.GetByRole(AriaRole.Button, new() { Name = "Erase this key individual" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Are you sure?")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, erase for good" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-X-Access-Reason")).ToContainTextAsync("Say why");
        await page.CheckAccessibilityAsync("kin-12-erase-confirm");
        await page.GetByLabel("Why are they being erased?").FillAsync("She asked to leave the network");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, erase for good" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Key individual erased" })).ToBeVisibleAsync();
        await page.CheckAccessibilityAsync("kin-13-erased");

        using var comms = fixture.Stack.Services.Client(TestTokens.Create("communications", "comms-kin-after", areas: [Area]));
        using var read = new HttpRequestMessage(HttpMethod.Get, $"/api/messaging/kin/{id}");
        read.Headers.Add("X-Access-Reason", "checking the erasure took effect");
        Assert.Contains((await comms.SendAsync(read)).StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Gone });
        using var admin = fixture.Stack.Services.Client(TestTokens.Create("admin", "admin-kin-erase-check"));
        var erased = (await admin.GetFromJsonAsync<JsonObject>($"/api/messaging/audit?subjectId={id}&action=erase"))!["entries"]!.AsArray();
        Assert.Equal("She asked to leave the network", Assert.Single(erased)!["reason"]!.GetValue<string>());
        await page.Context.CloseAsync();
    }
}
