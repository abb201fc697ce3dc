using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// The analyst's profile work: the area's charts with their sources, a named community and its channel evidence, an
/// emerging-community candidate reviewed with a reason, and the profile published as a new version.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ProfileWorkJourneyTests(ConsoleFixture fixture)
{
    private const string Area = "meadows";
    private const string Community = "Eritrean community of the Meadows";

    private static string CensusFile(string name) => Path.Combine(Path.GetDirectoryName(GatewayStack.SeedFile)!, "census2021", name);

    /// <summary>
    /// The census tables a profile needs, and flows that make a candidate. The files go with CRLF line ends: the same
    /// figures, but not the same file, so the census journey sharing this stack still sees its own import run.
    /// </summary>
    private async Task ArrangeAsync()
    {
        using var analyst = fixture.Stack.Services.Client(TestTokens.Create("analyst", "analyst-profile-seed"));
        foreach (var file in new[] { "census2021-ts021-ward-nottinghamshire.csv", "census2021-ts054-ward-nottinghamshire.csv" })
        {
            var text = (await File.ReadAllTextAsync(CensusFile(file))).ReplaceLineEndings("\r\n");
            using var csv = new StringContent(text, Encoding.UTF8);
            csv.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            var accepted = await analyst.PostAsync("/api/profiles/imports?reason=Census+for+the+profile+journey", csv);
            Assert.True(accepted.IsSuccessStatusCode, $"importing {file}: {(int)accepted.StatusCode}");
            var id = (await accepted.BodyAsync())["id"]!.GetValue<string>();
            var status = await TestInfrastructure.EventuallyAsync(
                async () => (await analyst.GetFromJsonAsync<JsonObject>($"/api/profiles/imports/{id}"))!["status"]!.GetValue<string>(),
                s => s != "importing", what: file);
            Assert.NotEqual("failed", status);
        }

        using var flows = new StringContent(
            """
            period_start,period_end,area_code,area_type,dimension,value,count,source
            2025-01-01,2025-03-31,meadows,area,nationality,Eritrean,10,school-language-counts
            2025-04-01,2025-06-30,meadows,area,nationality,Eritrean,24,school-language-counts
            2025-07-01,2025-09-30,meadows,area,nationality,Eritrean,22,force-interpreter-requests

            """, Encoding.UTF8);
        flows.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        Assert.True((await analyst.PostAsync("/api/profiles/flows?reason=Flow+data+for+the+profile+journey", flows)).IsSuccessStatusCode, "importing flows");
    }

    [Fact]
    public async Task an_analyst_reads_the_charts_records_a_community_reviews_an_emerging_candidate_and_publishes_the_profile()
    {
        await ArrangeAsync();
        var page = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await page.DemoSignInAsync("analyst", "analyst-profile-journey", Area, "profile-work-01-sign-in");
        await page.GotoAsync("profiles");
        await page.WaitForInteractiveAsync();
        await page.GetByLabel("Area").SelectOptionAsync(Area);

        // Each chart is a table with its figures, its source and its geography.
        var ethnic = page.GetByRole(AriaRole.Region, new() { Name = "Ethnic group" });
        await Assertions.Expect(ethnic).ToContainTextAsync("Source: TS021");
        await Assertions.Expect(ethnic).ToContainTextAsync("Geography: census wards, summed for the area");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Tenure" })).ToBeVisibleAsync();
        await page.CheckAccessibilityAsync("profile-work-02-area-profile");

        // A community: refused without a name (beside the field, the rest kept), then recorded.
        await page.GetByRole(AriaRole.Link, new() { Name = "Communities and how they prefer to be reached" }).ClickAsync();
        await page.WaitForURLAsync($"**/profiles/{Area}/communities");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Communities of Meadows" })).ToBeVisibleAsync();
        await page.GetByLabel("Census table (optional)").SelectOptionAsync("TS021");
        await page.GetByLabel("Census category").FillAsync("Black, Black British, Black Welsh, Caribbean or African: African");
        await page.GetByLabel("Other sources, one a line").FillAsync("School language counts");
        await page.GetByLabel("Languages, separated by commas (optional)").FillAsync("Tigrinya, Arabic");
        await page.GetByLabel("Why you are recording it").FillAsync("Named by the school and by key individuals");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record community" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-name")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.GetByLabel("Census category")).ToHaveValueAsync("Black, Black British, Black Welsh, Caribbean or African: African");
        await page.CheckAccessibilityAsync("profile-work-03-community-refused");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(Community);
        await page.GetByRole(AriaRole.Button, new() { Name = "Record community" }).ClickAsync();
        var card = page.GetByRole(AriaRole.Region, new() { Name = Community });
        await Assertions.Expect(card).ToContainTextAsync("Tigrinya, Arabic");

        // How they prefer to be reached, as evidence with its source and confidence.
        await card.GetByRole(AriaRole.Button, new() { Name = "Add channel evidence" }).ClickAsync();
        await page.GetByLabel("Channel", new() { Exact = true }).SelectOptionAsync("community-whatsapp");
        await page.GetByLabel("How we know").SelectOptionAsync("asked-directly");
        await page.GetByLabel("Who said so, or where it was seen").FillAsync("Elders at St George's church hall");
        await page.GetByLabel("Confidence").SelectOptionAsync("high");
        await page.CheckAccessibilityAsync("profile-work-04-evidence");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record evidence" }).ClickAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Rowheader, new() { Name = "WhatsApp group run by the community" })).ToBeVisibleAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Row, new() { Name = "WhatsApp group run by the community" })).ToContainTextAsync("High");
        await page.AssertReflowsAt320Async();

        // The emerging candidate, confirmed with a reason (refused without one).
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Emerging communities" }).ClickAsync();
        await page.WaitForURLAsync("**/profiles/emerging");
        await page.WaitForInteractiveAsync();
        var candidate = page.GetByRole(AriaRole.Region, new() { Name = "Eritrean in Meadows" });
        await Assertions.Expect(candidate.Locator(".status")).ToHaveTextAsync("Waiting for a decision");
        await Assertions.Expect(candidate.GetByRole(AriaRole.Row, new() { Name = "force-interpreter-requests" })).ToContainTextAsync("First seen");
        await page.CheckAccessibilityAsync("profile-work-05-emerging");
        await candidate.GetByRole(AriaRole.Button, new() { Name = "Decide" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Record decision" }).ClickAsync();
        await Assertions.Expect(page.Locator("#error-reason")).Not.ToBeEmptyAsync();
        await page.GetByLabel("Reason").FillAsync("Confirmed with the school and the Independent Advisory Group");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record decision" }).ClickAsync();
        await Assertions.Expect(candidate.Locator(".status")).ToHaveTextAsync("Confirmed");
        await Assertions.Expect(candidate).ToContainTextAsync("Confirmed with the school and the Independent Advisory Group");

        // Published: a new version that names the new community.
        await page.GotoAsync($"profiles/{Area}/versions");
        await page.WaitForInteractiveAsync();
        await page.GetByLabel("Why you are publishing").FillAsync("Quarterly review with the Eritrean community recorded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish this profile" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "published." })).ToBeVisibleAsync();
        var latest = page.Locator("section.card").First;
        await Assertions.Expect(latest).ToContainTextAsync($"New named community: {Community}");
        await Assertions.Expect(latest).ToContainTextAsync("analyst-profile-journey");
        await page.CheckAccessibilityAsync("profile-work-06-published");

        using var officer = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "officer-profile-check", areas: [Area]));
        var versions = (await officer.GetFromJsonAsync<JsonArray>($"/api/profiles/areas/{Area}/versions"))!;
        Assert.Contains(Community, versions[0]!["counts"]!["namedCommunities"]!.AsArray().Select(n => n!.GetValue<string>()));
        await page.Context.CloseAsync();
    }
}
