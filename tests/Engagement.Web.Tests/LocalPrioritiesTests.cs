using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Microsoft.Playwright;

namespace Engagement.Web.Tests;

/// <summary>
/// Residents vote on their area's candidate priorities: their tokens name no area, so the page shows what Plans learnt
/// from the postcode of their subscription. Reached and used with the keyboard alone, in English and in Welsh; axe on
/// every state; reflow at 320 px; "you voted" said in words.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LocalPrioritiesTests(ConsoleFixture fixture)
{
    private const string Area = "sherwood";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private async Task<HttpClient> SubscribedResidentAsync(string sub, string postcode, string language)
    {
        var api = fixture.Stack.Services.Client(TestTokens.Create("resident", sub));
        Assert.True((await api.PutAsJsonAsync("/api/messaging/subscriptions/me", new { postcode, interests = new[] { "asb" }, language })).IsSuccessStatusCode);
        await TestInfrastructure.EventuallyAsync(async () => (await api.GetFromJsonAsync<JsonObject>("/api/plans/priorities/near-me"))!,
            v => v["areas"]!.AsArray().Any(a => a!.GetValue<string>() == Area), Patience, $"Plans to learn that {sub} lives in {Area}");
        return api;
    }

    private static async Task VoteWithKeyboardAsync(IPage page, string navLink, string heading, string issue, string vote, string voted, string support, string shot)
    {
        // From the home page to the list by the navigation, then to the issue's button, with Tab and Enter only.
        await page.GotoAsync("");
        await page.WaitForInteractiveAsync();
        await page.TabToAsync(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = navLink }));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await page.WaitForInteractiveAsync();
        var card = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = issue }) });
        await Assertions.Expect(card).ToContainTextAsync("Sherwood");
        await page.CheckAccessibilityAsync(shot + "-list");
        await page.AssertReflowsAt320Async();

        await page.TabToAsync(card.GetByRole(AriaRole.Button, new() { Name = vote }));
        await page.Keyboard.PressAsync("Enter");
        var status = card.Locator("p.status");
        await Assertions.Expect(status).ToHaveTextAsync("\u2713 " + voted);
        await Assertions.Expect(status).ToBeFocusedAsync();
        await Assertions.Expect(card.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Assertions.Expect(card).ToContainTextAsync(support);
        await page.CheckAccessibilityAsync(shot + "-voted");
        await page.AssertReflowsAt320Async();
    }

    [Fact]
    public async Task residents_vote_for_a_local_issue_with_the_keyboard_alone_in_english_and_in_welsh()
    {
        var issue = "Motorbikes on the Forest Recreation Ground " + Guid.NewGuid().ToString("N")[..6];
        using var englishApi = await SubscribedResidentAsync("resident-vote-en", "NG5 2AB", "en");
        using var welshApi = await SubscribedResidentAsync("resident-vote-cy", "NG5 3AB", "cy");
        using (var officer = fixture.Stack.Services.Client(TestTokens.Create("neighbourhood", "officer-votes", [Area])))
        {
            var today = DateOnly.FromDateTime(London.Show(DateTimeOffset.UtcNow).DateTime);
            using var csv = new StringContent($"respondent_area,issue_category,free_text,date\n{Area},asb,{issue},{today:yyyy-MM-dd}\n", Encoding.UTF8, "text/csv");
            Assert.True((await officer.PostAsync("/api/plans/priorities/imports/survey", csv)).IsSuccessStatusCode);
        }

        var english = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await english.DemoSignInAsync("resident", "resident-vote-en", null, "votes-01-sign-in");
        await VoteWithKeyboardAsync(english, "Have your say on local priorities", "Have your say on local priorities", issue, "Vote for this", "You voted for this",
            "Raised 1 time, 1 vote", "votes-02-english");
        await Assertions.Expect(english.Locator("html")).ToHaveAttributeAsync("lang", "en-GB");

        var welsh = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await welsh.DemoSignInAsync("resident", "resident-vote-cy", null, "votes-03-sign-in-welsh");
        await VoteWithKeyboardAsync(welsh, "Dweud eich dweud am flaenoriaethau lleol", "Dweud eich dweud am flaenoriaethau lleol", issue, "Pleidleisio dros hwn",
            "Rydych chi wedi pleidleisio dros hwn", "Wedi'i godi unwaith, 2 o bleidleisiau", "votes-04-welsh");
        await Assertions.Expect(welsh.Locator("html")).ToHaveAttributeAsync("lang", "cy");

        // The votes are the API's, once each; coming back shows each resident's own vote in words.
        var mine = (await englishApi.GetFromJsonAsync<JsonObject>("/api/plans/priorities/near-me"))!["priorities"]!.AsArray()
            .Single(p => p!["issue"]!.GetValue<string>() == issue)!;
        Assert.Equal((2, true), (mine["votes"]!.GetValue<int>(), mine["youVoted"]!.GetValue<bool>()));
        await english.ReloadAsync();
        await Assertions.Expect(english.GetByRole(AriaRole.Listitem).Filter(new() { HasText = issue })).ToContainTextAsync("You voted for this");

        await english.Context.CloseAsync();
        await welsh.Context.CloseAsync();
    }

    [Fact]
    public async Task a_resident_whose_area_is_not_known_is_told_to_add_their_postcode()
    {
        var page = await fixture.Chromium.PhoneAsync(fixture.Stack.Address);
        await page.DemoSignInAsync("resident", "resident-vote-none", null, "votes-05-sign-in-unknown");
        await page.GotoAsync("local-priorities");
        await Assertions.Expect(page.GetByText("We do not know which area you live in yet.", new() { Exact = false })).ToBeVisibleAsync();
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Add your postcode" });
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "subscription");
        await page.CheckAccessibilityAsync("votes-06-area-unknown");
        await page.AssertReflowsAt320Async();
        await page.Context.CloseAsync();
    }
}
