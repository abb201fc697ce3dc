using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Profiles.Communities;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Profiles.Tests;

/// <summary>Named communities and the evidence of how each prefers to be reached, with staleness after its review date.</summary>
public sealed class CommunityTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>
{
    private static readonly Guid KinMember = Guid.Parse("0190f000-0000-7000-8000-000000000001");

    private static JsonObject RomaCommunity() => new()
    {
        ["name"] = "Roma households in Berridge and Hyson Green",
        ["censusCategories"] = new JsonArray(new JsonObject { ["table"] = "TS021", ["category"] = "White: Roma" }),
        ["otherSources"] = new JsonArray("School language counts (Slovak, Czech, Romanian)"),
        ["languages"] = new JsonArray("Slovak", "Romani", "Czech"),
        ["venues"] = new JsonArray("Forest Fields community centre"),
        ["intermediaries"] = new JsonArray(KinMember.ToString()),
        ["reason"] = "Census 2021 shows 392 Roma residents in Berridge and 220 in Hyson Green & Arboretum.",
    };

    private async Task<JsonObject> RecordAsync()
    {
        using var analyst = f.Analyst();
        var response = await analyst.PostAsJsonAsync("/api/profiles/areas/berridge/communities", RomaCommunity());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        return await response.BodyAsync();
    }

    private static JsonObject Evidence(DateOnly reviewBy) => new()
    {
        ["channel"] = "community-whatsapp",
        ["kind"] = "asked-directly",
        ["source"] = "Asked at the Forest Fields drop-in, March",
        ["confidence"] = "medium",
        ["reviewBy"] = reviewBy.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["reason"] = "Several families said they read the group daily.",
    };

    [Fact]
    public async Task an_analyst_names_a_community_and_staff_read_it_with_who_and_why_recorded()
    {
        var recorded = await RecordAsync();
        using var officer = f.As(Roles.Neighbourhood, "berridge", "bulwell");
        var list = (await officer.GetFromJsonAsync<JsonArray>("/api/profiles/areas/berridge/communities"))!;
        var community = list.Single(c => c!["id"]!.GetValue<Guid>() == recorded.Id())!;
        Assert.Equal("White: Roma", community["definition"]!["censusCategories"]![0]!["category"]!.GetValue<string>());
        Assert.Equal(KinMember, community["intermediaries"]![0]!.GetValue<Guid>());
        Assert.Empty((await officer.GetFromJsonAsync<JsonArray>("/api/profiles/areas/bulwell/communities"))!);
        Assert.Equal(1, await f.CountAsync(
            $"select count(*) from profiles.mt_events where type = 'community_recorded' and data->>'communityId' = '{recorded.Id()}' and data->>'reason' like 'Census 2021%' and data->>'recordedBy' like 'analyst-%'"));
    }

    [Fact]
    public async Task evidence_past_its_review_date_shows_as_stale()
    {
        var id = (await RecordAsync()).Id();
        var today = CommunityView.Today(f.Clock);
        using var analyst = f.Analyst();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/profiles/communities/{id}/evidence") { Content = JsonContent.Create(Evidence(today.AddDays(30))) };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        var response = await analyst.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var evidence = (await response.BodyAsync())["channelEvidence"]![0]!;
        Assert.False(evidence["stale"]!.GetValue<bool>());
        Assert.Equal("asked-directly", evidence["kind"]!.GetValue<string>());

        f.Clock.Advance(TimeSpan.FromDays(32));
        var later = (await analyst.GetFromJsonAsync<JsonObject>($"/api/profiles/communities/{id}"))!;
        Assert.True(later["channelEvidence"]![0]!["stale"]!.GetValue<bool>());
    }

    [Fact]
    public async Task evidence_on_a_stale_version_is_412_and_bad_evidence_names_its_fields()
    {
        var id = (await RecordAsync()).Id();
        using var analyst = f.Analyst();
        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/profiles/communities/{id}/evidence")
        {
            Content = JsonContent.Create(Evidence(CommunityView.Today(f.Clock).AddDays(30))),
        };
        stale.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"7\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await analyst.SendAsync(stale)).StatusCode);

        var bad = await analyst.PostAsJsonAsync($"/api/profiles/communities/{id}/evidence", new JsonObject { ["channel"] = "carrier-pigeon", ["reviewBy"] = "2001-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.BodyAsync())["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("channel") && errors.ContainsKey("kind") && errors.ContainsKey("source") && errors.ContainsKey("reviewBy"), errors.ToJsonString());

        var missing = await analyst.PostAsJsonAsync($"/api/profiles/communities/{Guid.NewGuid()}/evidence", Evidence(CommunityView.Today(f.Clock).AddDays(30)));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task communities_are_confined_to_the_callers_areas()
    {
        var id = (await RecordAsync()).Id();
        using var elsewhere = f.As(Roles.Analyst, "bulwell");
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.PostAsJsonAsync("/api/profiles/areas/berridge/communities", RomaCommunity())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.PostAsJsonAsync($"/api/profiles/communities/{id}/evidence", Evidence(CommunityView.Today(f.Clock).AddDays(30)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.GetAsync($"/api/profiles/communities/{id}")).StatusCode);
        using var unscoped = f.As(Roles.Neighbourhood);
        var response = await unscoped.GetAsync("/api/profiles/areas/berridge/communities");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("https://engagement.example/problems/outside-your-areas", (await response.BodyAsync())["type"]!.GetValue<string>());
        // Census figures are public statistics: any member of staff reads any area's.
        Assert.Equal(HttpStatusCode.OK, (await unscoped.GetAsync("/api/profiles/areas/berridge")).StatusCode);
    }

    [Fact]
    public void a_community_needs_a_definition_and_known_census_tables()
    {
        var request = new RecordCommunityRequest("Somewhere", [new CensusCategoryRequest("TS999", "x")], [], [], [], [], "because");
        var e = Assert.Throws<ValidationFailedException>(() => RecordCommunity.Decide(Community.Initial, Guid.NewGuid(), "berridge", request, "a", DateTimeOffset.UtcNow));
        Assert.Contains("censusCategories[0].table", e.Errors!.Keys);
        Assert.Contains("censusCategories", e.Errors!.Keys);
    }

    [Fact]
    public void evidence_must_be_reviewed_after_today_and_within_two_years()
    {
        var today = new DateOnly(2026, 11, 29);
        var community = Community.Initial with { Id = Guid.NewGuid() };
        RecordEvidenceRequest At(DateOnly d) => new("leaflet-in-language", "iag-advice", "IAG meeting", "high", d, null, null);
        Assert.Throws<ValidationFailedException>(() => RecordEvidence.Decide(community, Guid.NewGuid(), At(today), "a", DateTimeOffset.UtcNow, today));
        Assert.Throws<ValidationFailedException>(() => RecordEvidence.Decide(community, Guid.NewGuid(), At(today.AddDays(731)), "a", DateTimeOffset.UtcNow, today));
        var ok = RecordEvidence.Decide(community, Guid.NewGuid(), At(today.AddDays(730)), "a", DateTimeOffset.UtcNow, today);
        Assert.Equal("iag-advice", ok.Evidence.Kind);
    }
}
