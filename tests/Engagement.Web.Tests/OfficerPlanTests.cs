using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Journey 5, the area's plan: an officer drafts a plan, adds an objective, is refused publication beside the
/// objective that cannot be measured, completes it and publishes; then adopts a priority (the community's ranking
/// beside the threat, risk and harm score), records an action and closes it, and reads the evaluation with its charts.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OfficerPlanTests(ConsoleFixture fixture)
{
    private const string Area = "bestwood";

    private static readonly string[] Dimensions =
        ["physical-harm", "psychological-harm", "financial-harm", "community-harm", "scope", "vulnerability", "likelihood", "organisational-position", "confidence"];

    [Fact]
    public async Task an_officer_drafts_and_publishes_a_plan_adopts_a_priority_records_an_action_and_reads_the_evaluation()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var sub = "officer-plan-" + tag;
        var asb = $"Motorbikes on the Bestwood estate {tag}";
        var speeding = $"Speeding on Arnold Road {tag}";
        var yesterday = DateOnly.FromDateTime(London.Show(DateTimeOffset.UtcNow).DateTime).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        // What residents said in a survey: motorbikes twice, speeding once; speeding is scored for threat, risk and harm.
        using var api = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "officer-seed-" + tag, [Area]));
        using (var csv = new StringContent(
            $"respondent_area,issue_category,free_text,date\n{Area},asb,{asb},{yesterday}\n{Area},asb,Motorbikes again,{yesterday}\n{Area},road-safety,{speeding},{yesterday}\n",
            Encoding.UTF8, "text/csv"))
        using (var imported = await api.PostAsync(new Uri("/api/plans/priorities/imports/survey", UriKind.Relative), csv))
        {
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        }

        var listed = await api.GetFromJsonAsync<JsonElement>(new Uri($"/api/plans/priorities?area={Area}", UriKind.Relative));
        var speedingId = listed.EnumerateArray().First(p => p.GetProperty("issue").GetString() == speeding).GetProperty("id").GetGuid();
        using (var assess = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/plans/priorities/{speedingId}/assessment", UriKind.Relative))
        {
            Content = JsonContent.Create(new { scores = Dimensions.ToDictionary(d => d, _ => 4) }),
        })
        using (var assessed = await api.SendAsync(assess))
        {
            Assert.Equal(HttpStatusCode.OK, assessed.StatusCode);
        }

        var officer = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await officer.DemoSignInAsync("neighbourhood", sub, Area, "officer-plan-01-sign-in");
        await officer.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Plans" }).ClickAsync();
        await officer.WaitForURLAsync("**/plans");
        await officer.WaitForInteractiveAsync();
        await officer.CheckAccessibilityAsync("officer-plan-02-plans");

        // Draft: a period that is too long is refused beside its field, with the title kept.
        var title = $"Bestwood plan {tag}";
        await officer.GetByLabel("Title (optional)").FillAsync(title);
        await officer.GetByLabel("Length in months").FillAsync("48");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Draft plan" }).ClickAsync();
        await Assertions.Expect(officer.Locator("#error-months")).ToContainTextAsync("Between 3 and 36 months");
        await Assertions.Expect(officer.GetByLabel("Title (optional)")).ToHaveValueAsync(title);
        await officer.GetByLabel("Length in months").FillAsync("12");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Draft plan" }).ClickAsync();
        await officer.WaitForURLAsync("**/plans/*");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = title, Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        var planId = Guid.Parse(officer.Url[(officer.Url.LastIndexOf('/') + 1)..]);
        await Assertions.Expect(officer.Locator("dl.facts").First).ToContainTextAsync("Draft, not published");

        // An objective without a metric or a baseline yet: publishing is refused, and the reason stands beside it.
        var objective = "Fewer residents see motorbike nuisance";
        await officer.GetByLabel("Objective", new() { Exact = true }).FillAsync(objective);
        await officer.GetByLabel("Target value").FillAsync("20");
        await officer.GetByLabel("Target date").FillAsync(DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await officer.GetByLabel("Level of engagement").SelectOptionAsync("involve");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Add objective" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync($"Objective added: {objective}");
        var card = officer.Locator(".card").Filter(new() { HasText = objective });
        await Assertions.Expect(card).ToContainTextAsync("Involve");

        await officer.GetByRole(AriaRole.Button, new() { Name = "Publish plan" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Alert)).ToContainTextAsync("Some objectives cannot be measured yet");
        await Assertions.Expect(card.Locator("#error-objectives-0-")).ToContainTextAsync("Error: Needs a metric and a baseline before the plan is published.");
        await Assertions.Expect(officer.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Link, new() { Name = $"Objective 1, {objective}" })).ToBeVisibleAsync();
        await officer.CheckAccessibilityAsync("officer-plan-03-publish-refused");

        // Complete it (metric, baseline, data source, owner), then publish.
        await card.GetByRole(AriaRole.Button, new() { Name = $"Change objective: {objective}" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = $"Change objective: {objective}" })).ToBeVisibleAsync();
        await Assertions.Expect(officer.GetByLabel("Target value")).ToHaveValueAsync("20");
        await officer.GetByLabel("Metric", new() { Exact = true }).FillAsync("Residents who saw motorbike nuisance");
        await officer.GetByLabel("What exactly it counts").FillAsync("Share of survey respondents reporting it in the last month, per cent");
        await officer.GetByLabel("Baseline value").FillAsync("35");
        await officer.GetByLabel("Measured over").FillAsync("2026 spring survey");
        await officer.GetByLabel("Data source (optional)").FillAsync("Neighbourhood survey");
        await officer.GetByLabel("Owner").SelectOptionAsync("citizens-in-policing");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Save objective" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync($"Objective saved: {objective}");
        await Assertions.Expect(card).ToContainTextAsync("35 (2026 spring survey)");
        await Assertions.Expect(card).ToContainTextAsync("Citizens in Policing");
        await Assertions.Expect(card.Locator("#error-objectives-0-")).Not.ToContainTextAsync("Error");
        await Assertions.Expect(card).Not.ToContainTextAsync("Before publishing");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Publish plan" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Plan published as revision 1");

        // This month's figure: a blank source is refused beside it, the figure typed is kept; then it is recorded.
        await officer.GetByLabel("Figure", new() { Exact = true }).FillAsync("28");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Record figure" }).ClickAsync();
        await Assertions.Expect(officer.Locator("#error-source")).ToContainTextAsync("Required");
        await Assertions.Expect(officer.GetByLabel("Figure", new() { Exact = true })).ToHaveValueAsync("28");
        await officer.GetByLabel("Where it comes from").FillAsync("Neighbourhood survey, this month");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Record figure" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Figure recorded: 28");
        await Assertions.Expect(card).ToContainTextAsync("28 on");
        await Assertions.Expect(officer.Locator("dl.facts").First).ToContainTextAsync("Published (revision 1)");
        await officer.CheckAccessibilityAsync("officer-plan-04-published");
        await officer.AssertReflowsAt320Async();

        // Priorities: the community's ranking beside the threat, risk and harm score.
        await officer.GetByRole(AriaRole.Link, new() { Name = "See the area's priorities" }).ClickAsync();
        await officer.WaitForURLAsync("**/plans/priorities?**");
        await officer.WaitForInteractiveAsync();
        var asbRow = officer.GetByRole(AriaRole.Row).Filter(new() { HasText = asb });
        await Assertions.Expect(asbRow).ToContainTextAsync("Rank 1: raised twice");
        await Assertions.Expect(asbRow).ToContainTextAsync("Not assessed yet");
        await Assertions.Expect(asbRow).ToContainTextAsync("Candidate");
        var speedingRow = officer.GetByRole(AriaRole.Row).Filter(new() { HasText = speeding });
        await Assertions.Expect(speedingRow).ToContainTextAsync("Rank 2: raised once");
        await Assertions.Expect(speedingRow).ToContainTextAsync("Rank 1: score");
        await officer.CheckAccessibilityAsync("officer-plan-05-priorities");
        await officer.AssertReflowsAt320Async();

        // Adopt with the keyboard alone: no reason is refused beside the field; then a reason, and it is adopted.
        await officer.TabToAsync(asbRow.GetByRole(AriaRole.Link, new() { Name = asb }));
        await officer.Keyboard.PressAsync("Enter");
        await officer.WaitForURLAsync("**/plans/priorities/*");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = asb, Level = 1 })).ToBeVisibleAsync();
        await officer.WaitForInteractiveAsync();
        await officer.CheckAccessibilityAsync("officer-plan-06-priority");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Adopt priority" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.Locator("#error-adopt-reason")).ToContainTextAsync("Say why");
        await officer.TabToAsync(officer.GetByLabel("Why adopt it?"));
        await officer.Keyboard.TypeAsync("Raised most often by residents, and it affects the whole estate");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Adopt priority" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Priority adopted");
        await Assertions.Expect(officer.Locator("dl.facts").First).ToContainTextAsync("Adopted");
        await Assertions.Expect(officer.Locator("dl.facts").First).ToContainTextAsync("Raised most often by residents");

        // Record what was done, with the keyboard: it is listed, and the priority can then be closed.
        await officer.TabToAsync(officer.GetByLabel("What was done"));
        await officer.Keyboard.TypeAsync("Two weeks of evening patrols on the estate with the off-road bike team");
        await officer.TabToAsync(officer.GetByLabel("Outcome (optional)"));
        await officer.Keyboard.TypeAsync("Three bikes seized");
        await officer.TabToAsync(officer.GetByRole(AriaRole.Button, new() { Name = "Record action" }));
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Action recorded");
        await Assertions.Expect(officer.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Two weeks of evening patrols" })).ToContainTextAsync("Three bikes seized");
        await officer.CheckAccessibilityAsync("officer-plan-07-actioned");

        await officer.GetByLabel("Why close it?").FillAsync("Nuisance reports have stopped");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Close priority" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status)).ToContainTextAsync("Priority closed");
        await Assertions.Expect(officer.Locator("dl.facts").First).ToContainTextAsync("Nuisance reports have stopped");

        // The evaluation: target against actual as bars with their figures, activity by community and channel, raisers told.
        var today = DateOnly.FromDateTime(London.Show(DateTimeOffset.UtcNow).DateTime);
        using (var logged = await api.PostAsJsonAsync(new Uri($"/api/plans/{planId}/activities", UriKind.Relative), new
        {
            kind = "faith-venue-visit", on = today, summary = "Talk at the community centre after Friday prayers", targetCommunity = "Bestwood Muslim community",
            channel = "face-to-face", peopleReached = 40,
        }))
        {
            Assert.Equal(HttpStatusCode.Created, logged.StatusCode);
        }

        await officer.GotoAsync($"plans/{planId}");
        await officer.WaitForInteractiveAsync();
        await officer.GetByRole(AriaRole.Link, new() { Name = "See the evaluation" }).ClickAsync();
        await officer.WaitForURLAsync($"**/plans/{planId}/evaluation");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = $"Evaluation: {title}" })).ToBeVisibleAsync();
        var chart = officer.Locator("figure").Filter(new() { HasText = objective });
        await Assertions.Expect(chart).ToContainTextAsync("Baseline: 35 (2026 spring survey)");
        await Assertions.Expect(chart).ToContainTextAsync("Latest actual: 28 on");
        await Assertions.Expect(officer.GetByRole(AriaRole.Table, new() { Name = "Target against actual, by objective" }).GetByRole(AriaRole.Row).Filter(new() { HasText = objective }))
            .ToContainTextAsync("46.7%");
        await Assertions.Expect(chart).ToContainTextAsync("Target: 20 by");
        await Assertions.Expect(officer.GetByRole(AriaRole.Table, new() { Name = "By community" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "Bestwood Muslim community" }))
            .ToContainTextAsync("40");
        await Assertions.Expect(officer.GetByRole(AriaRole.Table, new() { Name = "By channel" })).ToContainTextAsync("Face to face");
        await Assertions.Expect(officer.GetByRole(AriaRole.Table, new() { Name = "By kind of activity" })).ToContainTextAsync("Faith venue visit");
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = "People who raised issues, told what was done" })).ToBeVisibleAsync();
        await officer.CheckAccessibilityAsync("officer-plan-08-evaluation");
        await officer.AssertReflowsAt320Async();
        await officer.Context.CloseAsync();
    }
}
