using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Plans.Priorities;
using Engagement.Testing;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Tests;

/// <summary>
/// Where residents live, as Messaging tells Plans (SubscriberAreasChanged): kept once per message and in version order,
/// what lets a resident whose token names no area vote on their area's candidates (and nowhere else), and forgotten on erasure.
/// </summary>
public sealed class ResidentAreaTests(PlansFixture fx) : IClassFixture<PlansFixture>
{
    private const string Area = "bestwood";

    private async Task TellAsync(string resident, long version, params string[] areas) => await DeliverAsync(
        new C.SubscriberAreasChanged(Guid.CreateVersion7(), fx.Clock.GetUtcNow(), resident, areas, version));

    private async Task DeliverAsync(C.SubscriberAreasChanged m, int times = 1)
    {
        await fx.Bus.Publish(m, ctx => ctx.MessageId = m.EventId);
        await fx.Consumed.WaitForAsync(m.EventId, times, SubscriberAreasChangedConsumer.Name);
    }

    private Task<long> AreasOfAsync(string resident) =>
        fx.CountAsync($"select coalesce(array_length(area_codes, 1), 0)::bigint from plans.resident_areas where resident_id = '{resident}'");

    private async Task<string?> FirstAreaAsync(string resident) =>
        await TestInfrastructure.ScalarAsync<string?>(fx.ConnectionString, "select area_codes[1] from plans.resident_areas where resident_id = @r", ("r", resident));

    private static string VoteUrl(string area, string category) => $"/api/plans/priorities/{Priority.IdFor(area, category)}/votes";

    [Fact]
    public async Task a_message_counts_once_and_an_older_version_arriving_late_changes_nothing()
    {
        var moved = new C.SubscriberAreasChanged(Guid.CreateVersion7(), fx.Clock.GetUtcNow(), "ra-ann", ["bulwell"], 4);
        await DeliverAsync(moved);
        await DeliverAsync(moved, times: 2);
        Assert.Equal(1, await fx.CountAsync("select count(*) from plans.audit_log where action = 'collect' and subject_id = 'ra-ann'"));

        // Version 2 (an earlier postcode) arrives after version 4: ignored.
        await TellAsync("ra-ann", 2, Area);
        Assert.Equal("bulwell", await FirstAreaAsync("ra-ann"));
        Assert.Equal(1, await fx.CountAsync("select count(*) from plans.audit_log where action = 'collect' and subject_id = 'ra-ann'"));

        // A newer one applies; unsubscribing from everything (no areas) leaves nowhere to vote.
        await TellAsync("ra-ann", 5, Area);
        Assert.Equal(Area, await FirstAreaAsync("ra-ann"));
        await TellAsync("ra-ann", 6);
        Assert.Equal(0, await AreasOfAsync("ra-ann"));
        Assert.Equal(6, await fx.CountAsync("select version from plans.resident_areas where resident_id = 'ra-ann'"));
    }

    [Fact]
    public async Task a_resident_votes_where_messaging_says_they_live_and_nowhere_else_whatever_their_token_names()
    {
        await fx.RaiseBySurveyAsync(Area, "speeding", "burglary");
        await fx.RaiseBySurveyAsync("basford", "speeding");
        using var ben = fx.Resident("ra-ben");

        // Not yet known: refused, and told how Plans comes to know.
        using (var refused = await ben.PostAsync(VoteUrl(Area, "speeding"), null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
            Assert.EndsWith("/outside-your-areas", problem!["type"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("postcode", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        await TellAsync("ra-ben", 1, Area);
        using (var first = await ben.PostAsync(VoteUrl(Area, "speeding"), null))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await ben.PostAsync(VoteUrl(Area, "speeding"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ben.PostAsync(VoteUrl("basford", "speeding"), null)).StatusCode);
        Assert.Equal(1, await fx.CountAsync("select count(*) from plans.priority_votes where resident_id = 'ra-ben'"));

        // What the console shows: the area's candidates only, with this resident's vote marked.
        var nearMe = (await (await ben.GetAsync("/api/plans/priorities/near-me")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal([Area], nearMe["areas"]!.AsArray().Select(a => a!.GetValue<string>()));
        var listed = nearMe["priorities"]!.AsArray().Select(p => (p!["category"]!.GetValue<string>(), p["areaCode"]!.GetValue<string>(), p["votes"]!.GetValue<int>(),
            p["youVoted"]!.GetValue<bool>())).ToList();
        Assert.Equal([("speeding", Area, 1, true), ("burglary", Area, 0, false)], listed);
        Assert.Equal(1, await fx.CountAsync("select count(*) from plans.audit_log where action = 'consult' and subject_id = 'ra-ben'"));

        // Another resident sees the same candidates, none marked as theirs; one Plans knows nothing of sees none.
        await TellAsync("ra-cat", 3, Area);
        using var cat = fx.Resident("ra-cat");
        var theirs = (await (await cat.GetAsync("/api/plans/priorities/near-me")).Content.ReadFromJsonAsync<JsonObject>())!["priorities"]!.AsArray();
        Assert.All(theirs, p => Assert.False(p!["youVoted"]!.GetValue<bool>()));
        Assert.Equal(2, theirs.Count);
        using var stranger = fx.Resident("ra-nobody");
        var none = (await (await stranger.GetAsync("/api/plans/priorities/near-me")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Empty(none["areas"]!.AsArray());
        Assert.Empty(none["priorities"]!.AsArray());

        // Moving away: the old area is no longer theirs to vote in.
        await TellAsync("ra-cat", 4, "basford");
        Assert.Equal(HttpStatusCode.Forbidden, (await cat.PostAsync(VoteUrl(Area, "burglary"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await cat.PostAsync(VoteUrl("basford", "speeding"), null)).StatusCode);
    }

    [Fact]
    public async Task an_erasure_forgets_where_the_resident_lives_and_a_late_message_does_not_bring_it_back()
    {
        await TellAsync("ra-dee", 1, Area);
        Assert.Equal(Area, await FirstAreaAsync("ra-dee"));

        var erased = new C.ResidentErased(Guid.NewGuid(), fx.Clock.GetUtcNow(), "ra-dee", "ra-dee");
        await fx.Bus.Publish(erased, ctx => ctx.MessageId = erased.EventId);
        await fx.Consumed.WaitForAsync(erased.EventId, 1, Raisers.ResidentErasedConsumer.Name);
        Assert.Equal(0, await fx.CountAsync("select count(*) from plans.resident_areas where resident_id = 'ra-dee'"));

        // A change published before the erasure but delivered after it.
        await TellAsync("ra-dee", 2, Area);
        Assert.Equal(0, await fx.CountAsync("select count(*) from plans.resident_areas where resident_id = 'ra-dee'"));
        using var dee = fx.Resident("ra-dee");
        var nearMe = (await (await dee.GetAsync("/api/plans/priorities/near-me")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Empty(nearMe["areas"]!.AsArray());
    }
}
