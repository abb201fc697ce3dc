using System.Globalization;
using System.Net;
using Engagement.Testing;
using Engagement.Web.Api;
using Engagement.Web.Localisation;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Welsh for what goes wrong and for signing in: the API's problems (in English) shown in Welsh on a Welsh resident's
/// page beside the field they name, with what was typed kept; anything not translated shown in English and marked so;
/// the signed-out home page and the demo sign-in page following the language switch.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class WelshProblemsTests(ConsoleFixture fixture)
{
    private static Task ExpectLanguageAsync(IPage page, string lang) => Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", lang);

    [Fact]
    public async Task a_welsh_resident_who_enters_a_bad_postcode_reads_why_in_welsh_beside_the_field_and_keeps_what_they_typed()
    {
        const string sub = "resident-cy-postcode";
        using var api = fixture.Stack.Services.Client(TestTokens.Create("resident", sub));
        var phone = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await phone.DemoSignInAsync("resident", sub, null, "welsh-problems-01-sign-in");
        var toWelsh = phone.GetByRole(AriaRole.Navigation, new() { Name = "Language" }).GetByRole(AriaRole.Link, new() { Name = "Cymraeg" });
        await phone.TabToAsync(toWelsh);
        await phone.Keyboard.PressAsync("Enter");
        await ExpectLanguageAsync(phone, "cy");
        await phone.GotoAsync("subscription");
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Eich rhybuddion", Level = 1 })).ToBeVisibleAsync();
        await phone.WaitForInteractiveAsync();

        var postcode = phone.GetByLabel("Eich cod post");
        await phone.TabToAsync(postcode);
        await phone.Keyboard.TypeAsync("XX1 1XX");
        await phone.TabToAsync(phone.GetByLabel("Byrgleriaeth", new() { Exact = true }));
        await phone.Keyboard.PressAsync("Space");
        await phone.TabToAsync(phone.GetByRole(AriaRole.Button, new() { Name = "Tanysgrifio" }), maxPresses: 80);
        await phone.Keyboard.PressAsync("Enter");

        var error = phone.Locator("#error-postcode");
        await Assertions.Expect(error).ToContainTextAsync("Nid yw hwn yn god post dilys yn y DU. Ysgrifennwch ef fel NG6 8AB.");
        await Assertions.Expect(error).Not.ToContainTextAsync("Not a valid");
        await Assertions.Expect(error.Locator("[lang='en']")).ToHaveCountAsync(0);
        var summary = phone.GetByRole(AriaRole.Alert).First;
        await Assertions.Expect(summary).ToContainTextAsync("Gwiriwch y manylion sydd wedi'u marcio.");
        await Assertions.Expect(summary).ToContainTextAsync("Nid yw hwn yn god post dilys");
        await Assertions.Expect(postcode).ToHaveValueAsync("XX1 1XX");
        await Assertions.Expect(postcode).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(phone.GetByLabel("Byrgleriaeth", new() { Exact = true })).ToBeCheckedAsync();
        await phone.CheckAccessibilityAsync("welsh-problems-02-bad-postcode");
        await phone.AssertReflowsAt320Async();

        // A real postcode outside every Nottinghamshire area gets its own Welsh message.
        await phone.TabToAsync(postcode, maxPresses: 80);
        await phone.Keyboard.PressAsync("Control+A");
        await phone.Keyboard.TypeAsync("CF10 1EP");
        await phone.TabToAsync(phone.GetByRole(AriaRole.Button, new() { Name = "Tanysgrifio" }), maxPresses: 80);
        await phone.Keyboard.PressAsync("Enter");
        await Assertions.Expect(error).ToContainTextAsync("y tu allan i bob ardal blismona yn Swydd Nottingham");
        await Assertions.Expect(postcode).ToHaveValueAsync("CF10 1EP");
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/messaging/subscriptions/me")).StatusCode);
        await phone.Context.CloseAsync();
    }

    [Fact]
    public async Task the_signed_out_home_page_and_the_demo_sign_in_page_follow_the_language_switch_and_pass_axe_in_welsh()
    {
        var page = await fixture.Chromium.DesktopAsync(fixture.Stack.Address);
        await page.GotoAsync("");
        await page.WaitForInteractiveAsync();
        var toWelsh = page.GetByRole(AriaRole.Navigation, new() { Name = "Language" }).GetByRole(AriaRole.Link, new() { Name = "Cymraeg" });
        await Assertions.Expect(toWelsh).ToHaveAttributeAsync("lang", "cy");
        await page.TabToAsync(toWelsh);
        await page.Keyboard.PressAsync("Enter");

        await ExpectLanguageAsync(page, "cy");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ymgysylltu â'r gymdogaeth", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Mewngofnodi", Exact = true })).ToBeVisibleAsync();
        await page.CheckAccessibilityAsync("welsh-signin-01-home");
        var demo = page.GetByRole(AriaRole.Link, new() { Name = "Mewngofnodi demo lleol" });
        await page.TabToAsync(demo);
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Mewngofnodi demo lleol", Level = 1 })).ToBeVisibleAsync();
        await ExpectLanguageAsync(page, "cy");
        await Assertions.Expect(page.GetByLabel("Swyddog cyfathrebu")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Dynodydd defnyddiwr")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Mewngofnodi" })).ToBeVisibleAsync();
        await page.CheckAccessibilityAsync("welsh-signin-02-demo-sign-in");
        await page.AssertReflowsAt320Async();

        // Back to English with the switch, named in English, on the same page.
        var toEnglish = page.GetByRole(AriaRole.Navigation, new() { Name = "Iaith" }).GetByRole(AriaRole.Link, new() { Name = "English" });
        await page.TabToAsync(toEnglish);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Local demo sign-in", Level = 1 })).ToBeVisibleAsync();
        await ExpectLanguageAsync(page, "en-GB");
        await page.Context.CloseAsync();
    }

    [Fact]
    public void on_a_welsh_page_a_problem_not_translated_is_shown_in_the_apis_english_marked_as_english()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = ResidentLanguage.Welsh;
            var problem = new ApiProblem(422, "Something new went wrong.", "A detail in English.",
                new Dictionary<string, string[]> { ["postcode"] = ["Not a valid UK postcode; write it like NG6 8AB."], ["newField"] = ["Too odd."] }) { Type = "brand-new" };
            var local = new ApiProblem(404, "Ni chafwyd hyd i'r neges honno.", "Manylion.", new Dictionary<string, string[]>());

            Assert.Equal(new Said("Something new went wrong.", "en"), ResidentProblems.Heading(problem).Title);
            Assert.Equal(new Said("A detail in English.", "en"), ResidentProblems.Heading(problem).Detail);
            Assert.Equal(new Said("Too odd.", "en"), ResidentProblems.Message(problem, "newField", "Too odd."));
            Assert.Null(ResidentProblems.Message(problem, "postcode", "Not a valid UK postcode; write it like NG6 8AB.").Lang);
            Assert.Equal(new Said("Dim mwy na 120 nod.", null), ResidentProblems.Message(problem, "name", "At most 120 characters."));
            Assert.Equal(new Said("Mae gennych le yn y gymhorthfa hon yn barod.", null), ResidentProblems.Heading(problem with { Type = "already-booked" }).Title);
            Assert.Equal(new Said("Nid oes gennych ganiatâd i wneud hynny.", null), ResidentProblems.Heading(problem with { Status = 403 }).Title);
            Assert.Equal(new Said("Ni chafwyd hyd i'r neges honno.", null), ResidentProblems.Heading(local).Title);
            Assert.Equal(new Said("Mae eich sesiwn wedi dod i ben. Mewngofnodwch eto.", null), ResidentProblems.Heading(ApiProblem.SessionEnded()).Title);
            Assert.Equal(new Said("Ni atebodd y gwasanaeth. Mae'r hyn a deipiwyd gennych yma o hyd; rhowch gynnig arall arni mewn munud.", null),
                ResidentProblems.Heading(ApiProblem.Unreachable()).Title);

            CultureInfo.CurrentUICulture = ResidentLanguage.English;
            Assert.Equal(new Said("Something new went wrong.", null), ResidentProblems.Heading(problem).Title);
            Assert.Equal(new Said("Too odd.", null), ResidentProblems.Message(problem, "newField", "Too odd."));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
