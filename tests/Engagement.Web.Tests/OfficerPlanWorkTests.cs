using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// The officer's plan work beyond journey 5, with the keyboard alone: the threat, risk and harm assessment of a priority
/// (shown beside the community's ranking), passing an issue to a partner, and logging activities against the plan beside
/// those linked from surgeries held. Analysts and communications staff read the same pages with no change controls.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OfficerPlanWorkTests(ConsoleFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    /// <summary>The MoRiLE dimensions' labels in the order the API gives them (by name), each with the key that chooses its score.</summary>
    private static readonly (string Label, string Key)[] Scores =
    [
        ("Community harm", "3"), ("Confidence", ""), ("Financial harm", "2"), ("Likelihood", "4"), ("Organisational position", "4"),
        ("Physical harm", "1"), ("Psychological harm", "3"), ("Scope", "2"), ("Vulnerability", "4"),
    ];

    private static string Yesterday => DateOnly.FromDateTime(London.Show(DateTimeOffset.UtcNow).DateTime).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Survey answers for an area, through the API: each line one issue raised.</summary>
    private static async Task<JsonElement> SeedIssuesAsync(HttpClient api, string area, params (string Category, string Text)[] issues)
    {
        var csv = "respondent_area,issue_category,free_text,date\n" + string.Concat(issues.Select(i => $"{area},{i.Category},{i.Text},{Yesterday}\n"));
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var imported = await api.PostAsync(new Uri("/api/plans/priorities/imports/survey", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        return await api.GetFromJsonAsync<JsonElement>(new Uri($"/api/plans/priorities?area={area}", UriKind.Relative));
    }

    private static Guid IdOf(JsonElement priorities, string issue) =>
        priorities.EnumerateArray().First(p => p.GetProperty("issue").GetString() == issue).GetProperty("id").GetGuid();

    [Fact]
    public async Task an_officer_scores_a_priority_and_passes_another_to_a_partner_with_the_keyboard_alone()
    {
        const string area = "aspley";
        var tag = Guid.NewGuid().ToString("N")[..6];
        var burglary = $"Sheds broken into on Aspley Lane {tag}";
        var parking = $"Cars parked on the verges {tag}";
        using var api = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "officer-seed-" + tag, [area]));
        var priorities = await SeedIssuesAsync(api, area, ("asb", $"Youths gathering by the shops {tag}"), ("asb", "Youths again"), ("burglary", burglary), ("parking", parking));

        var officer = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await officer.DemoSignInAsync("neighbourhood", "officer-score-" + tag, area, "officer-score-01-sign-in");
        await officer.GotoAsync($"plans/priorities/{IdOf(priorities, burglary)}");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = burglary, Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        await Assertions.Expect(officer.Locator("dl.facts").First).ToContainTextAsync("Not assessed yet");
        await Assertions.Expect(officer.GetByText("Score each from 0 (none) to 4 (very high).", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(officer.Locator("#score-physical-harm-hint")).ToContainTextAsync("Injury or risk to life");
        await Assertions.Expect(officer.GetByLabel("Physical harm")).ToHaveAttributeAsync("aria-describedby", "score-physical-harm-hint scale-hint error-scores-physical-harm");
        await officer.CheckAccessibilityAsync("officer-score-02-form");

        // Every dimension but confidence, by the keyboard (a digit picks the score): the API names the one left out, beside it,
        // and every score chosen stays.
        foreach (var (label, key) in Scores.Where(s => s.Key.Length > 0))
        {
            var select = officer.GetByLabel(label);
            await officer.TabToAsync(select, maxPresses: 90);
            await officer.Keyboard.PressAsync(key);
            await Assertions.Expect(select).ToHaveValueAsync(key);
        }

        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Save the assessment" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.Locator("#error-scores-confidence")).ToContainTextAsync("Required: 0 to 4");
        await Assertions.Expect(officer.GetByLabel("Confidence (counts half)")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(officer.GetByLabel("Vulnerability")).ToHaveValueAsync("4");
        await officer.CheckAccessibilityAsync("officer-score-03-error");

        await officer.TabToAsync(officer.GetByLabel("Confidence (counts half)"), maxPresses: 90);
        await officer.Keyboard.PressAsync("2");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Save the assessment" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasText = "Assessment saved" })).ToBeVisibleAsync();
        // (3+2+4+1+3+2+4 + 0.5*4 + 0.5*2) / (8*4) = 22/32: the score, ranked, beside the community's own ranking.
        var facts = officer.Locator("dl.facts").First;
        await Assertions.Expect(facts).ToContainTextAsync("Score 68.8 of 100, rank 1 of 3");
        await Assertions.Expect(facts).ToContainTextAsync("of 3: raised once");
        await Assertions.Expect(officer.GetByRole(AriaRole.Table, new() { Name = "Threat, risk and harm by dimension" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "Likelihood" }))
            .ToContainTextAsync("4");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = "Assess threat, risk and harm again" })).ToBeVisibleAsync();
        await officer.CheckAccessibilityAsync("officer-score-04-scored");
        await officer.AssertReflowsAt320Async();

        // The areas' list shows the same score beside the community's ranking.
        await officer.GotoAsync($"plans/priorities?area={area}");
        await officer.WaitForInteractiveAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Row).Filter(new() { HasText = burglary })).ToContainTextAsync("Rank 1: score 68.8");

        // Pass parking to the council, with the keyboard alone: no partner is refused beside the field, then it is passed.
        await officer.TabToAsync(officer.GetByRole(AriaRole.Link, new() { Name = parking }));
        await officer.Keyboard.PressAsync("Enter");
        await officer.WaitForURLAsync("**/plans/priorities/*");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = parking, Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        await officer.TabToAsync(officer.GetByLabel("Their reference"));
        await officer.Keyboard.TypeAsync("NCC-PE-4471");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Mark as passed to partner" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.Locator("#error-partner")).ToContainTextAsync("Required");
        await Assertions.Expect(officer.GetByLabel("Their reference")).ToHaveValueAsync("NCC-PE-4471");
        await officer.CheckAccessibilityAsync("officer-pass-01-error");
        await officer.TabToAsync(officer.GetByLabel("Partner", new() { Exact = true }));
        await officer.Keyboard.TypeAsync("Nottingham City Council parking enforcement");
        await officer.TabToAsync(officer.GetByLabel("Why it is theirs"));
        await officer.Keyboard.TypeAsync("Parking on verges is the council's to enforce");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Mark as passed to partner" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasText = "Marked as passed to the partner" })).ToBeVisibleAsync();
        facts = officer.Locator("dl.facts").First;
        await Assertions.Expect(facts).ToContainTextAsync("Passed to a partner");
        await Assertions.Expect(facts).ToContainTextAsync("Nottingham City Council parking enforcement (their reference NCC-PE-4471)");
        await Assertions.Expect(facts).ToContainTextAsync("Parking on verges is the council's to enforce");
        await Assertions.Expect(officer.GetByRole(AriaRole.Button, new() { Name = "Mark as passed to partner" })).ToHaveCountAsync(0);
        await officer.CheckAccessibilityAsync("officer-pass-02-passed");

        var passed = await api.GetFromJsonAsync<JsonElement>(new Uri($"/api/plans/priorities/{IdOf(priorities, parking)}", UriKind.Relative));
        Assert.Equal("passed-to-partner", passed.GetProperty("status").GetString());
        Assert.Equal("NCC-PE-4471", passed.GetProperty("referral").GetProperty("reference").GetString());
        await officer.Context.CloseAsync();
    }

    [Fact]
    public async Task an_officer_logs_an_activity_beside_one_from_a_surgery_and_an_analyst_reads_the_plan_with_no_change_controls()
    {
        const string area = "basford";
        var tag = Guid.NewGuid().ToString("N")[..6];
        var officerId = "officer-activity-" + tag;
        var title = $"Basford plan {tag}";
        var objective = $"More residents feel safe after dark {tag}";
        var asb = $"Fireworks in the park {tag}";
        using var api = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", officerId, [area]));
        var priorities = await SeedIssuesAsync(api, area, ("asb", asb));
        using var drafted = await api.PostAsJsonAsync(new Uri("/api/plans", UriKind.Relative), new { areaCode = area, title, targetCommunities = new[] { "Basford Polish community" } });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var planId = (await drafted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        using (var added = await api.PostAsJsonAsync(new Uri($"/api/plans/{planId}/objectives", UriKind.Relative),
            new { title = objective, owner = "neighbourhood-policing-team", engagement = "involve" }))
        {
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }

        // A surgery held in the area is linked to the plan automatically.
        var surgeryTitle = $"Basford surgery {tag}";
        var surgeryId = await YouSaidWeDidJourneyTests.ScheduleAsync(api, area, surgeryTitle, fixture.SurgeriesClock.GetUtcNow().AddDays(1), officerId,
            ("Basford Library", "Vernon Road", "NG6 0AR"));
        fixture.SurgeriesClock.Advance(TimeSpan.FromDays(2));
        using (var held = await api.PostAsJsonAsync(new Uri($"/api/surgeries/{surgeryId}/outcome", UriKind.Relative),
            new { attendance = 7, issuesRaised = new[] { new { category = "asb", summary = "Fireworks again" } } }))
        {
            Assert.True(held.IsSuccessStatusCode, await held.Content.ReadAsStringAsync());
        }

        await TestInfrastructure.EventuallyAsync(() => api.GetFromJsonAsync<JsonArray>(new Uri($"/api/plans/{planId}/activities", UriKind.Relative)),
            l => l!.Any(a => a!["source"]!.GetValue<string>().StartsWith("surgery:", StringComparison.Ordinal)), Patience, "the surgery held to be logged against the plan");

        // The officer logs a school session with the keyboard alone: without a channel it is refused beside the field,
        // and what was typed stays; then it is logged and listed beside the surgery.
        var officer = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await officer.DemoSignInAsync("neighbourhood", officerId, area, "officer-activity-01-sign-in");
        await officer.GotoAsync($"plans/{planId}");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        var activities = officer.GetByRole(AriaRole.Table, new() { Name = "Activities" });
        await Assertions.Expect(activities.GetByRole(AriaRole.Row).Filter(new() { HasText = "Automatically, from a surgery held" })).ToContainTextAsync("Surgery");

        var kind = officer.GetByLabel("What was done");
        await officer.TabToAsync(kind, maxPresses: 120);
        await officer.Keyboard.PressAsync("s");
        await officer.Keyboard.PressAsync("c");
        await Assertions.Expect(kind).ToHaveValueAsync("school-session");
        await officer.TabToAsync(officer.GetByLabel("Summary"));
        await officer.Keyboard.TypeAsync("Assembly on firework safety at Southglade Primary");
        await officer.TabToAsync(officer.GetByLabel("Community it was meant to reach (optional)"));
        await officer.Keyboard.TypeAsync("Basford Polish community");
        await officer.TabToAsync(officer.GetByLabel("Priority it served (optional)"));
        await officer.Keyboard.PressAsync("f");
        await officer.TabToAsync(officer.GetByLabel("Objective it served (optional)"));
        await officer.Keyboard.PressAsync("m");
        await officer.TabToAsync(officer.GetByLabel("People reached (optional)"));
        await officer.Keyboard.TypeAsync("120");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Log activity" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.Locator("#error-activity-channel")).ToContainTextAsync("Required");
        await Assertions.Expect(officer.GetByLabel("Channel")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(officer.GetByLabel("Summary")).ToHaveValueAsync("Assembly on firework safety at Southglade Primary");
        await officer.CheckAccessibilityAsync("officer-activity-02-error");

        await officer.TabToAsync(officer.GetByLabel("Channel"), maxPresses: 90);
        await officer.Keyboard.PressAsync("f");
        await Assertions.Expect(officer.GetByLabel("Channel")).ToHaveValueAsync("face-to-face");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Log activity" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasText = "Activity logged" })).ToContainTextAsync("School session");
        var logged = activities.GetByRole(AriaRole.Row).Filter(new() { HasText = "Assembly on firework safety" });
        await Assertions.Expect(logged).ToContainTextAsync("Basford Polish community");
        await Assertions.Expect(logged).ToContainTextAsync("Face to face");
        await Assertions.Expect(logged).ToContainTextAsync($"Priority: {asb}");
        await Assertions.Expect(logged).ToContainTextAsync($"Objective: {objective}");
        await Assertions.Expect(logged).ToContainTextAsync("120");
        await Assertions.Expect(logged).ToContainTextAsync($"Logged by {officerId}");
        await Assertions.Expect(activities.GetByRole(AriaRole.Row).Filter(new() { HasText = "Automatically, from a surgery held" })).ToHaveCountAsync(1);
        await officer.CheckAccessibilityAsync("officer-activity-03-logged");
        await officer.AssertReflowsAt320Async();
        await officer.Context.CloseAsync();

        var listed = await api.GetFromJsonAsync<JsonArray>(new Uri($"/api/plans/{planId}/activities", UriKind.Relative));
        var school = listed!.Single(a => a!["kind"]!.GetValue<string>() == "school-session")!;
        Assert.Equal(IdOf(priorities, asb), school["priorityId"]!.GetValue<Guid>());
        Assert.Equal("face-to-face", school["channel"]!.GetValue<string>());

        // An analyst reads the plans, the plan, its evaluation and the priorities, and is offered no change.
        var analyst = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await analyst.DemoSignInAsync("analyst", "analyst-plans-" + tag, area, "analyst-plans-01-sign-in");
        await analyst.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Plans" }).ClickAsync();
        await analyst.WaitForURLAsync("**/plans");
        await analyst.WaitForInteractiveAsync();
        await Assertions.Expect(analyst.GetByRole(AriaRole.Link, new() { Name = title })).ToBeVisibleAsync();
        await Assertions.Expect(analyst.GetByRole(AriaRole.Button, new() { Name = "Draft plan" })).ToHaveCountAsync(0);
        await analyst.CheckAccessibilityAsync("analyst-plans-02-plans");

        await analyst.GetByRole(AriaRole.Link, new() { Name = title }).ClickAsync();
        await Assertions.Expect(analyst.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await analyst.WaitForInteractiveAsync();
        await Assertions.Expect(analyst.Locator(".card").Filter(new() { HasText = objective })).ToContainTextAsync("Involve");
        await Assertions.Expect(analyst.GetByRole(AriaRole.Table, new() { Name = "Activities" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "Assembly on firework safety" }))
            .ToBeVisibleAsync();
        await Assertions.Expect(analyst.Locator("main button, main form")).ToHaveCountAsync(0);
        await analyst.CheckAccessibilityAsync("analyst-plans-03-plan");

        await analyst.GetByRole(AriaRole.Link, new() { Name = "See the evaluation" }).ClickAsync();
        await Assertions.Expect(analyst.GetByRole(AriaRole.Heading, new() { Name = $"Evaluation: {title}" })).ToBeVisibleAsync();
        await Assertions.Expect(analyst.GetByRole(AriaRole.Table, new() { Name = "By kind of activity" })).ToContainTextAsync("School session");
        await analyst.CheckAccessibilityAsync("analyst-plans-04-evaluation");

        await analyst.GotoAsync($"plans/priorities/{IdOf(priorities, asb)}");
        await Assertions.Expect(analyst.GetByRole(AriaRole.Heading, new() { Name = asb, Level = 1 })).ToBeVisibleAsync();
        await analyst.WaitForInteractiveAsync();
        await Assertions.Expect(analyst.Locator("dl.facts").First).ToContainTextAsync("Candidate");
        await Assertions.Expect(analyst.Locator("main button, main form")).ToHaveCountAsync(0);
        await analyst.CheckAccessibilityAsync("analyst-plans-05-priority");
        await analyst.Context.CloseAsync();

        // Communications staff read the plan the same way.
        var comms = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await comms.DemoSignInAsync("communications", "comms-plans-" + tag, area, "comms-plans-01-sign-in");
        await comms.GotoAsync($"plans/{planId}");
        await Assertions.Expect(comms.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await comms.WaitForInteractiveAsync();
        await Assertions.Expect(comms.GetByRole(AriaRole.Table, new() { Name = "Activities" })).ToContainTextAsync("Assembly on firework safety");
        await Assertions.Expect(comms.Locator("main button, main form")).ToHaveCountAsync(0);
        await comms.CheckAccessibilityAsync("comms-plans-02-plan");
        await comms.Context.CloseAsync();

        // The API refuses the analyst's changes that the pages do not offer.
        using var analystApi = fixture.Stack.Services.Client(TestTokens.Create("analyst", "analyst-plans-" + tag, [area]));
        using var publish = await analystApi.PostAsJsonAsync(new Uri($"/api/plans/{planId}/publish", UriKind.Relative), new { reason = "Not mine to publish" });
        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        using var adopt = await analystApi.PostAsJsonAsync(new Uri($"/api/plans/priorities/{IdOf(priorities, asb)}/adopt", UriKind.Relative), new { reason = "Not mine to adopt" });
        Assert.Equal(HttpStatusCode.Forbidden, adopt.StatusCode);
    }
}
