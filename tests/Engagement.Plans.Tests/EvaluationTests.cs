using System.Net;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Tests;

/// <summary>
/// Profile to plan to activity to evaluation: a plan starts from the communities Profiles names, activities are logged by
/// hand and from surgeries and alerts over the broker, and the evaluation and roll-up set them against the targets.
/// </summary>
public sealed class EvaluationTests(PlansFixture fx) : IClassFixture<PlansFixture>
{
    private const string Polish = "Polish families of Bulwell";

    private Task PublishAsync<T>(T message, Guid messageId) where T : class => fx.Bus.Publish(message, ctx => ctx.MessageId = messageId);

    [Fact]
    public async Task a_plan_starts_from_the_profile_and_is_evaluated_against_what_was_done()
    {
        var now = fx.Clock.GetUtcNow();
        var refreshed = new C.CommunityProfileRefreshed(Guid.CreateVersion7(), now, "bulwell", 2, 30000, 12000, 1, 0, 0, 0, [Polish]);
        await PublishAsync(refreshed, refreshed.EventId);
        // An older version arriving late changes nothing.
        var older = new C.CommunityProfileRefreshed(Guid.CreateVersion7(), now, "bulwell", 1, 30000, 12000, 1, 0, 0, 0, ["Stale community"]);
        await PublishAsync(older, older.EventId);
        var emerging = new C.EmergingCommunityIdentified(Guid.CreateVersion7(), now, "bulwell-nationality-romanian", "bulwell", "nationality", "Romanian", 2);
        await PublishAsync(emerging, emerging.EventId);
        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(new[] { refreshed.EventId, older.EventId, emerging.EventId }.All(fx.Consumed.MessageIds.Contains)),
            done => done, what: "Profiles' events to be consumed");

        using var officer = fx.Officer("bulwell");
        using var drafted = await officer.SendAsync(HttpMethod.Post, "/api/plans", new { areaCode = "bulwell", targetCommunities = new[] { "Rough sleepers" } });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var plan = await drafted.BodyAsync();
        var planId = plan.Id();
        var targets = plan["targetCommunities"]!.AsArray().Select(t => (t!["name"]!.GetValue<string>(), t["basis"]!.GetValue<string>())).ToList();
        Assert.Equal([(Polish, "named"), ("Romanian (nationality)", "emerging"), ("Rough sleepers", "added")], targets);

        using var objective = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{planId}/objectives", new
        {
            title = "More Polish families hear from us",
            metric = new { name = "Polish-language subscribers", definition = "Residents of Bulwell who read alerts in Polish" },
            baseline = new { value = 40, period = "November 2026" },
            target = new { value = 60, by = DateOnly.FromDateTime(now.UtcDateTime).AddMonths(6).ToString("yyyy-MM-dd") },
            dataSource = "Messaging audience count", owner = "neighbourhood-policing-team", engagement = "inform",
        }, drafted.ETag());
        Assert.Equal(HttpStatusCode.OK, objective.StatusCode);
        var objectiveId = (await objective.BodyAsync())["objectives"]![0]!["objectiveId"]!.GetValue<string>();
        using var measured = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{planId}/objectives/{objectiveId}/measurements",
            new { value = 50, on = DateOnly.FromDateTime(now.UtcDateTime).ToString("yyyy-MM-dd"), source = "Audience count of the day" });
        Assert.Equal(HttpStatusCode.OK, measured.StatusCode);

        // Bad input names every field, and logs nothing.
        using var bad = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{planId}/activities",
            new { kind = "party", on = "2001-01-01", summary = "", channel = "Face To Face", objectiveId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.BodyAsync())["errors"]!.AsObject().Select(e => e.Key).Order().ToList();
        Assert.Equal(["channel", "kind", "objectiveId", "on", "summary"], errors);

        var today = DateOnly.FromDateTime(London.Show(now).DateTime).ToString("yyyy-MM-dd");
        using var visit = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{planId}/activities", new
        {
            kind = "faith-venue-visit", on = today, summary = "Visited the Polish Catholic Mission after Sunday mass", targetCommunity = Polish,
            channel = "face-to-face", objectiveId, peopleReached = 80,
        }, idempotencyKey: "visit-1");
        Assert.Equal(HttpStatusCode.Created, visit.StatusCode);
        using var again = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{planId}/activities", new
        {
            kind = "faith-venue-visit", on = today, summary = "Visited the Polish Catholic Mission after Sunday mass", targetCommunity = Polish,
            channel = "face-to-face", objectiveId, peopleReached = 80,
        }, idempotencyKey: "visit-1");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        using var post = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{planId}/activities", new
        {
            kind = "online-post", on = today, summary = "Burglary prevention advice in Polish on the community Facebook group", targetCommunity = Polish,
            channel = "social-media", peopleReached = 400,
        });
        Assert.Equal(HttpStatusCode.Created, post.StatusCode);

        // A surgery held and an alert sent in the area are logged on their own, once however often they arrive.
        var held = new C.SurgeryHeld(Guid.CreateVersion7(), now, Guid.NewGuid(), "bulwell", now, 12,
            [new C.IssueRaised("burglary", "Sheds broken into on Highbury Road", ["ev-ann", "ev-ben"]), new C.IssueRaised("asb", "Noise at night", ["ev-cal"])]);
        await PublishAsync(held, held.EventId);
        await PublishAsync(held, held.EventId);
        var sent = new C.AlertSent(Guid.CreateVersion7(), now, Guid.NewGuid(), "warn-and-inform", "routine", ["bulwell"], ["burglary"], 300);
        await PublishAsync(sent, sent.EventId);
        var activities = await TestInfrastructure.EventuallyAsync(async () => await (await officer.GetAsync($"/api/plans/{planId}/activities")).ArrayAsync(),
            a => a.Count >= 4, what: "the surgery and the alert to be logged");
        await fx.Consumed.WaitForAsync(held.EventId, 2, Activities.SurgeryActivityConsumer.Name);
        activities = await (await officer.GetAsync($"/api/plans/{planId}/activities")).ArrayAsync();
        Assert.Equal(["alert", "faith-venue-visit", "online-post", "surgery"], activities.Select(a => a!["kind"]!.GetValue<string>()).Order());

        // One of the two issues is acted on: its two raisers are told, the third is not yet.
        await fx.Consumed.WaitForAsync(held.EventId, 2, Priorities.SurgeryHeldConsumer.Name);
        var burglary = Priorities.Priority.IdFor("bulwell", "burglary");
        using var adopted = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/adopt", new { reason = "Repeat burglaries of sheds" });
        Assert.Equal(HttpStatusCode.OK, adopted.StatusCode);
        using var actioned = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{burglary}/actions",
            new { date = today, text = "Shed alarms fitted and patrols after dark", outcome = "No burglaries since" }, adopted.ETag());
        Assert.Equal(HttpStatusCode.OK, actioned.StatusCode);

        var evaluation = await (await officer.GetAsync($"/api/plans/{planId}/evaluation")).BodyAsync();
        var raisers = evaluation["raisers"]!;
        Assert.Equal(3, raisers["raisers"]!.GetValue<int>());
        Assert.Equal(2, raisers["told"]!.GetValue<int>());
        Assert.Equal(66.7m, raisers["shareTold"]!.GetValue<decimal>());
        Assert.NotNull(raisers["medianDaysToAction"]);
        var o = evaluation["objectives"]![0]!;
        Assert.Equal(50m, o["actual"]!["value"]!.GetValue<decimal>());
        Assert.Equal(50.0m, o["progress"]!.GetValue<decimal>());
        Assert.Equal(1, o["activities"]!.GetValue<int>());
        var activity = evaluation["activity"]!;
        Assert.Equal(4, activity["total"]!.GetValue<int>());
        Assert.Equal(80 + 400 + 12 + 300, activity["peopleReached"]!.GetValue<int>());
        var byChannel = activity["byChannel"]!.AsArray().ToDictionary(c => c!["key"]!.GetValue<string>(), c => c!["activities"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["face-to-face"] = 2, ["social-media"] = 1, ["alert"] = 1 }, byChannel);
        var byCommunity = activity["byCommunity"]!.AsArray().ToDictionary(c => c!["key"]!.GetValue<string>(), c => c!["peopleReached"]!.GetValue<int>());
        Assert.Equal(480, byCommunity[Polish]);
        var reach = evaluation["targetCommunities"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["unreached"]!.GetValue<bool>());
        Assert.Equal(new Dictionary<string, bool> { [Polish] = false, ["Romanian (nationality)"] = true, ["Rough sleepers"] = true }, reach);

        // The roll-up: areas without a current plan first; Bulwell with one of its three target communities reached.
        using var inspector = fx.As(Roles.Neighbourhood, AreaScope.ForceWide);
        var rollup = await (await inspector.GetAsync("/api/plans/rollup")).ArrayAsync();
        Assert.Null(rollup[0]!["planId"]);
        var bulwell = rollup.Single(r => r!["areaCode"]!.GetValue<string>() == "bulwell")!;
        Assert.Equal(planId.ToString(), bulwell["planId"]!.GetValue<string>());
        Assert.False(bulwell["fresh"]!.GetValue<bool>());
        Assert.Equal(3, bulwell["targetCommunities"]!.GetValue<int>());
        Assert.Equal(1, bulwell["targetCommunitiesReachedThisQuarter"]!.GetValue<int>());
        using var elsewhere = fx.Officer("basford");
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.GetAsync($"/api/plans/{planId}/evaluation")).StatusCode);
        Assert.Equal(["basford"], (await (await elsewhere.GetAsync("/api/plans/rollup")).ArrayAsync()).Select(r => r!["areaCode"]!.GetValue<string>()));
    }
}
