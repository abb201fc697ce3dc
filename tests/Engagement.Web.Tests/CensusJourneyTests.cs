using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>Journey 3: an analyst imports a census file with live progress, then reads an area's profile.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CensusJourneyTests(ConsoleFixture fixture)
{
    internal static string CensusFile(string name) =>
        Path.Combine(Path.GetDirectoryName(GatewayStack.SeedFile)!, "census2021", name);

    [Fact]
    public async Task an_analyst_imports_a_census_file_with_progress_and_reads_the_area_profile()
    {
        var analyst = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await analyst.DemoSignInAsync("analyst", "analyst-j3", "berridge", "journey3-01-analyst-sign-in");
        await analyst.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Census imports" }).ClickAsync();
        await analyst.WaitForURLAsync("**/census-imports");
        await Assertions.Expect(analyst.GetByRole(AriaRole.Heading, new() { Name = "Import census figures" })).ToBeVisibleAsync();
        await analyst.WaitForInteractiveAsync();
        await analyst.CheckAccessibilityAsync("journey3-02-census-imports");

        // A file that is not a census table is refused whole, with the line and column; but first, an import says why.
        var bad = Path.Combine(Path.GetTempPath(), $"not-census-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(bad, "name,count\nfoo,1\n");
        try
        {
            await analyst.GetByLabel("Census file (CSV)").SetInputFilesAsync(bad);
            await analyst.GetByLabel("Table code (optional)").FillAsync("TS021");
            await analyst.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
            await Assertions.Expect(analyst.Locator("#error-reason")).ToContainTextAsync("Required");
            await Assertions.Expect(analyst.GetByLabel("Table code (optional)")).ToHaveValueAsync("TS021");
            await analyst.GetByLabel("Table code (optional)").FillAsync("");
            await analyst.GetByLabel("Why are you importing this file?").FillAsync("Census 2021 refresh for the Berridge profile review");
            await analyst.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
            await Assertions.Expect(analyst.GetByRole(AriaRole.Alert)).ToContainTextAsync("not a census table");
            await analyst.CheckAccessibilityAsync("journey3-03-census-refused");
        }
        finally
        {
            File.Delete(bad);
        }

        await analyst.GetByLabel("Census file (CSV)").SetInputFilesAsync(CensusFile("census2021-ts021-ward-nottinghamshire.csv"));
        await analyst.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();
        await Assertions.Expect(analyst.GetByRole(AriaRole.Heading, new() { Name = "TS021", Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(analyst.GetByRole(AriaRole.Status)).ToContainTextAsync("Imported", new() { Timeout = 60_000 });
        await Assertions.Expect(analyst.Locator("progress#progress")).ToHaveAttributeAsync("value", "100");
        await analyst.CheckAccessibilityAsync("journey3-04-census-imported");

        await analyst.GetByRole(AriaRole.Link, new() { Name = "Read an area's profile" }).ClickAsync();
        await analyst.WaitForURLAsync("**/profiles");
        await analyst.WaitForInteractiveAsync();
        await analyst.GetByLabel("Area").SelectOptionAsync("berridge");
        var ethnic = analyst.GetByRole(AriaRole.Region, new() { Name = "Ethnic group" });
        await Assertions.Expect(ethnic).ToBeVisibleAsync();
        await Assertions.Expect(ethnic.GetByRole(AriaRole.Rowheader, new() { Name = "White", Exact = false }).First).ToBeVisibleAsync();
        // Berridge's 17,910 residents, as the profiles service's own tests check by hand against the census.
        await Assertions.Expect(analyst.Locator("dl.facts")).ToContainTextAsync("17,910");
        await analyst.CheckAccessibilityAsync("journey3-05-area-profile");
        await analyst.AssertReflowsAt320Async();
        await analyst.Context.CloseAsync();
    }
}
