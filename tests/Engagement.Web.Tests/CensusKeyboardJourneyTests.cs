using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Journey 3 with the keyboard alone: an analyst opens the file chooser from the keyboard, says why, imports a census
/// file while its progress shows, and reads the area's profile.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CensusKeyboardJourneyTests(ConsoleFixture fixture)
{
    /// <summary>
    /// The census file with its last line end changed: the same figures, but not the same file, as an import of the
    /// very file it was is refused as already imported, and the census journey sharing this stack imports the original.
    /// </summary>
    private static async Task<string> SameFiguresAnotherFileAsync(string name)
    {
        var text = await File.ReadAllTextAsync(CensusJourneyTests.CensusFile(name));
        var path = Path.Combine(Path.GetTempPath(), $"keyboard-{Guid.NewGuid():N}-{name}");
        await File.WriteAllTextAsync(path, text.EndsWith('\n') ? text.TrimEnd('\n', '\r') : text + "\n");
        return path;
    }

    [Fact]
    public async Task an_analyst_imports_a_census_file_and_reads_the_profile_with_the_keyboard_alone()
    {
        var analyst = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await analyst.DemoSignInAsync("analyst", "analyst-keys", "berridge", "census-keys-01-sign-in");
        await analyst.TabToAsync(analyst.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Census imports" }));
        await analyst.Keyboard.PressAsync("Enter");
        await analyst.WaitForURLAsync("**/census-imports");
        await analyst.WaitForInteractiveAsync();

        // The file chooser opened with Space on the focused file input.
        var file = analyst.GetByLabel("Census file (CSV)");
        await analyst.TabToAsync(file);
        var copy = await SameFiguresAnotherFileAsync("census2021-ts021-ward-nottinghamshire.csv");
        var chooser = await analyst.RunAndWaitForFileChooserAsync(() => analyst.Keyboard.PressAsync("Space"));
        await chooser.SetFilesAsync(copy);
        await Assertions.Expect(file).ToBeFocusedAsync();
        await analyst.TabToAsync(analyst.GetByLabel("Why are you importing this file?"));
        await analyst.Keyboard.TypeAsync("Census 2021 refresh, imported with the keyboard alone");
        await analyst.TabToAsync(analyst.GetByRole(AriaRole.Button, new() { Name = "Import" }));
        await analyst.Keyboard.PressAsync("Enter");

        await Assertions.Expect(analyst.GetByRole(AriaRole.Heading, new() { Name = "TS021", Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(analyst.Locator("progress#progress")).ToBeVisibleAsync();
        await Assertions.Expect(analyst.GetByRole(AriaRole.Status)).ToContainTextAsync("Imported", new() { Timeout = 60_000 });
        await Assertions.Expect(analyst.Locator("progress#progress")).ToHaveAttributeAsync("value", "100");
        await analyst.CheckAccessibilityAsync("census-keys-02-imported");
        File.Delete(copy);

        await analyst.TabToAsync(analyst.GetByRole(AriaRole.Link, new() { Name = "Read an area's profile" }));
        await analyst.Keyboard.PressAsync("Enter");
        await analyst.WaitForURLAsync("**/profiles");
        await analyst.WaitForInteractiveAsync();
        var area = analyst.GetByLabel("Area");
        await analyst.TabToAsync(area);
        await analyst.Keyboard.TypeAsync("Berridge");
        await Assertions.Expect(area).ToHaveValueAsync("berridge");
        var ethnic = analyst.GetByRole(AriaRole.Region, new() { Name = "Ethnic group" });
        await Assertions.Expect(ethnic).ToBeVisibleAsync();
        await Assertions.Expect(analyst.Locator("dl.facts")).ToContainTextAsync("17,910");
        await Assertions.Expect(area).ToBeFocusedAsync();
        await analyst.CheckAccessibilityAsync("census-keys-03-profile");
        await analyst.Context.CloseAsync();
    }
}
