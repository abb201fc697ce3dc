using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using C = Engagement.Contracts;

namespace Engagement.Profiles.Tests;

/// <summary>Reach: Messaging's daily audience count against the census households and main languages, worst first.</summary>
public sealed class ReachTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => f.ImportShippedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static C.AreaAudience Audience(string area, int subscribers, int email, int sms, Dictionary<string, int> languages, int kin) =>
        new(area, subscribers, new Dictionary<string, int> { ["inapp"] = subscribers, ["email"] = email, ["sms"] = sms }, languages, kin);

    [Fact]
    public async Task reach_sets_the_audience_count_against_census_households_and_languages_worst_first()
    {
        using var analyst = f.Analyst();
        var before = (await analyst.GetFromJsonAsync<JsonObject>("/api/profiles/areas/berridge/reach"))!;
        Assert.Null(before["countedOn"]);
        Assert.Equal(0, before["subscribers"]!.GetValue<int>());
        Assert.Contains(before["notes"]!.AsArray(), n => n!.GetValue<string>().Contains("not yet published", StringComparison.Ordinal));

        foreach (var (name, languages) in new[] { ("Romanian speakers of Berridge", new[] { "Romanian" }), ("Roma households of Berridge", new[] { "Romani", "Slovak" }) })
        {
            var recorded = await analyst.PostAsJsonAsync("/api/profiles/areas/berridge/communities", new { name, languages, otherSources = new[] { "School language counts" }, reason = "From the census and the school language counts" });
            Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        }

        var count = new C.AudienceCounted(Guid.CreateVersion7(), DateTimeOffset.UtcNow, new DateOnly(2026, 11, 29),
        [
            Audience("berridge", 100, 40, 30, new() { ["en"] = 80, ["ro"] = 15, ["pl"] = 5 }, 3),
            Audience("bulwell", 10, 10, 0, new() { ["en"] = 10 }, 0),
        ]);
        await f.PublishAsync(count, count.EventId);
        await f.PublishAsync(count, count.EventId);
        var reach = await TestInfrastructure.EventuallyAsync(
            async () => (await analyst.GetFromJsonAsync<JsonObject>("/api/profiles/areas/berridge/reach"))!,
            r => r["countedOn"]?.GetValue<string?>() is not null, what: "the audience count to arrive");
        Assert.Equal(1, await f.CountAsync("select count(*) from profiles.mt_doc_audience_snapshot"));

        // Per 1,000 households, from the area's TS054 households (its wards summed).
        var profile = (await analyst.GetFromJsonAsync<JsonObject>("/api/profiles/areas/berridge"))!;
        var households = profile["households"]!["count"]!.GetValue<long>();
        Assert.Equal(households, reach["households"]!.GetValue<long>());
        var channels = reach["channels"]!.AsArray().ToDictionary(c => c!["channel"]!.GetValue<string>(), c => c!["perThousandHouseholds"]!.GetValue<decimal>());
        Assert.Equal(Math.Round(1000m * 100 / households, 1), channels["inapp"]);
        Assert.Equal(Math.Round(1000m * 40 / households, 1), channels["email"]);
        Assert.Equal(Math.Round(1000m * 30 / households, 1), channels["sms"]);
        Assert.Equal(3, reach["kinMembers"]!.GetValue<int>());

        // Romanian: 15 % of subscribers, against its share of Nottingham's residents (TS024, local authority).
        static IEnumerable<JsonNode> All(JsonNode f) => f["children"]!.AsArray().SelectMany(c => All(c!)).Prepend(f);
        var languagesSection = profile["languages"]!;
        var romanian = languagesSection["figures"]!.AsArray().SelectMany(x => All(x!)).Single(x => x["name"]!.GetValue<string>() == "Romanian");
        var censusShare = Math.Round(100m * romanian["count"]!.GetValue<long>() / languagesSection["total"]!["count"]!.GetValue<long>(), 2);
        Assert.True(censusShare > 0.5m, $"Romanian is {censusShare} % of Nottingham's residents");
        var ro = reach["languages"]!.AsArray().Single(l => l!["code"]!.GetValue<string>() == "ro")!;
        Assert.Equal(15, ro["subscribers"]!.GetValue<int>());
        Assert.Equal(15.00m, ro["shareOfSubscribers"]!.GetValue<decimal>());
        Assert.Equal(censusShare, ro["censusShare"]!.GetValue<decimal>());
        Assert.Equal(Math.Round(15.00m / censusShare, 2), ro["representation"]!.GetValue<decimal>());
        // A language many residents speak and no subscriber reads is shown, with nobody reached.
        Assert.Contains(reach["languages"]!.AsArray(), l => l!["subscribers"]!.GetValue<int>() == 0 && l["censusShare"]!.GetValue<decimal>() >= 0.5m);

        // Force-wide: the areas reached least first (nobody at all before anyone), then the communities by representation.
        var overview = (await analyst.GetFromJsonAsync<JsonObject>("/api/profiles/reach"))!;
        var perThousand = overview["areas"]!.AsArray()
            .Select(a => a!["channels"]!.AsArray().Single(c => c!["channel"]!.GetValue<string>() == "inapp")!["perThousandHouseholds"]!.GetValue<decimal>()).ToList();
        Assert.Equal(perThousand.Order().ToList(), perThousand);
        Assert.Equal(0m, perThousand[0]);
        var codes = overview["areas"]!.AsArray().Select(a => a!["areaCode"]!.GetValue<string>()).ToList();
        Assert.True(codes.IndexOf("bulwell") < codes.IndexOf("berridge") == (10m * 1000 / Households(overview, "bulwell") < 100m * 1000 / households));
        var communities = overview["communities"]!.AsArray();
        // The Roma community reads Romani (no subscriber can choose it) and Slovak (none do): nobody is reached, so it comes first.
        Assert.Equal("Roma households of Berridge", communities[0]!["name"]!.GetValue<string>());
        Assert.Equal(0m, communities[0]!["representation"]!.GetValue<decimal>());
        Assert.Equal(ro["representation"]!.GetValue<decimal>(), communities[1]!["representation"]!.GetValue<decimal>());
    }

    private static long Households(JsonObject overview, string area) =>
        overview["areas"]!.AsArray().Single(a => a!["areaCode"]!.GetValue<string>() == area)!["households"]!.GetValue<long>();

    [Fact]
    public async Task staff_see_reach_only_in_their_areas_and_residents_not_at_all()
    {
        using var officer = f.As(Roles.Neighbourhood, "bulwell");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/profiles/areas/berridge/reach")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/api/profiles/areas/bulwell/reach")).StatusCode);
        var overview = (await officer.GetFromJsonAsync<JsonObject>("/api/profiles/reach"))!;
        Assert.Equal(["bulwell"], overview["areas"]!.AsArray().Select(a => a!["areaCode"]!.GetValue<string>()));

        using var resident = f.As(Roles.Resident);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/api/profiles/reach")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await f.Analyst().GetAsync("/api/profiles/areas/nowhere/reach")).StatusCode);
    }
}
