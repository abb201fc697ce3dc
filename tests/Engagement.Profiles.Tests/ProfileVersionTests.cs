using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Profiles.Versions;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Profiles.Tests;

/// <summary>Publishing a profile makes a version with its difference from the last, and tells Plans by counts alone.</summary>
public sealed class ProfileVersionTests(ProfilesFixture f) : IClassFixture<ProfilesFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => f.ImportShippedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> PublishAsync(string area, string reason = "Census 2021 loaded")
    {
        using var analyst = f.Analyst();
        var response = await analyst.PostAsJsonAsync($"/api/profiles/areas/{area}/versions", new { reason });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.BodyAsync();
    }

    [Fact]
    public async Task a_first_version_finds_every_group_new_and_the_next_finds_nothing_changed()
    {
        using var analyst = f.Analyst();
        var community = await analyst.PostAsJsonAsync("/api/profiles/areas/radford/communities", new
        {
            name = "Students in Radford", otherSources = new[] { "University accommodation lists" }, reason = "Large student population",
        });
        Assert.Equal(HttpStatusCode.Created, community.StatusCode);

        var first = await PublishAsync("radford");
        Assert.Equal(1, first["version"]!.GetValue<int>());
        Assert.Contains(first["diff"]!["newGroups"]!.AsArray(), g => g!["category"]!.GetValue<string>() == "White: Roma");
        Assert.Equal("Students in Radford", first["diff"]!["newCommunities"]![0]!.GetValue<string>());
        Assert.Equal(10m, first["diff"]!["thresholds"]!["growthPercent"]!.GetValue<decimal>());

        var second = await PublishAsync("radford", "Quarterly review");
        Assert.Equal(2, second["version"]!.GetValue<int>());
        Assert.Empty(second["diff"]!["newGroups"]!.AsArray());
        Assert.Empty(second["diff"]!["grownGroups"]!.AsArray());
        Assert.Empty(second["diff"]!["thresholdsCrossed"]!.AsArray());
        Assert.Empty(second["diff"]!["newCommunities"]!.AsArray());

        using var officer = f.As(Roles.Neighbourhood);
        var versions = (await officer.GetFromJsonAsync<JsonArray>("/api/profiles/areas/radford/versions"))!;
        Assert.Equal([2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task publishing_emits_community_profile_refreshed_with_counts_and_community_names_and_the_event_id()
    {
        using var analyst = f.Analyst();
        var community = await analyst.PostAsJsonAsync("/api/profiles/areas/berridge/communities", new
        {
            name = "Roma households of Berridge", otherSources = new[] { "School language counts" }, reason = "Census 2021: 392 Roma residents",
        });
        Assert.Equal(HttpStatusCode.Created, community.StatusCode);
        var published = await PublishAsync("berridge");
        var message = await TestInfrastructure.EventuallyAsync(
            () => Task.FromResult(f.Published.Messages.Where(m => m.Message.AreaCode == "berridge").ToList()), m => m.Count > 0, what: "CommunityProfileRefreshed");
        var (messageId, refreshed) = Assert.Single(message);
        Assert.Equal(published["version"]!.GetValue<int>(), refreshed.Version);
        Assert.Equal(17910, refreshed.Population);
        Assert.Equal(6721, refreshed.Households);
        // The names of communities (groups, never people) travel, so that Plans can start a plan from them.
        Assert.Equal(["Roma households of Berridge"], refreshed.CommunityNames);
        Assert.Equal(1, refreshed.NamedCommunities);
        Assert.Equal(refreshed.EventId, messageId);
        Assert.Equal(1, await f.CountAsync($"select count(*) from profiles.mt_events where id = '{messageId}' and type = 'profile_published'"));
    }

    [Fact]
    public void growth_and_thresholds_are_judged_at_their_edges()
    {
        var t = new VersionThresholds();
        ProfileCounts Counts(long roma, decimal share) => new(10000, 4000, [new GroupCount("TS021", "White: Roma", roma, share)], [], []);
        Assert.Single(PublishProfile.Diff(Counts(200, 2m), Counts(220, 2.2m), t).GrownGroups);
        Assert.Empty(PublishProfile.Diff(Counts(200, 2m), Counts(219, 2.19m), t).GrownGroups);
        Assert.Empty(PublishProfile.Diff(Counts(10, 0.1m), Counts(29, 0.29m), t).GrownGroups);
        var up = Assert.Single(PublishProfile.Diff(Counts(99, 0.99m), Counts(100, 1m), t).ThresholdsCrossed);
        Assert.Equal(("up", 1m), (up.Direction, up.Threshold));
        Assert.Equal("down", Assert.Single(PublishProfile.Diff(Counts(100, 1m), Counts(99, 0.99m), t).ThresholdsCrossed).Direction);
        Assert.Empty(PublishProfile.Diff(Counts(100, 1m), Counts(100, 1m), t).NewGroups);
    }
}
