using System.Net;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using MassTransit;
using C = Engagement.Contracts;

namespace Engagement.Plans.Tests;

/// <summary>"You said, we did" in Plans: who raised each priority, what they may see of it, and forgetting the erased.</summary>
public sealed class RaiserTests(PlansFixture fx) : IClassFixture<PlansFixture>
{
    private async Task<Guid> HoldSurgeryAsync(string area, params C.IssueRaised[] issues)
    {
        var messageId = Guid.NewGuid();
        var surgeryId = Guid.NewGuid();
        await fx.Bus.Publish(new C.SurgeryHeld(messageId, fx.Clock.GetUtcNow(), surgeryId, area, fx.Clock.GetUtcNow().AddHours(-2), 9, issues),
            ctx => ctx.MessageId = messageId);
        await fx.Consumed.WaitForAsync(messageId, 1, Priorities.SurgeryHeldConsumer.Name);
        return surgeryId;
    }

    private static IEnumerable<(string Source, string? SurgeryId)> Where(System.Text.Json.Nodes.JsonNode raised) =>
        raised["where"]!.AsArray().Select(w => (w!["source"]!.GetValue<string>(), w["surgeryId"]?.GetValue<string>()));

    private async Task EraseAsync(Guid messageId, string residentId) =>
        await fx.Bus.Publish(new C.ResidentErased(messageId, fx.Clock.GetUtcNow(), residentId, residentId), ctx => ctx.MessageId = messageId);

    private async Task<System.Text.Json.Nodes.JsonArray> RaisedAsync(string residentId)
    {
        using var resident = fx.Resident(residentId);
        using var response = await resident.GetAsync("/api/plans/raised");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ArrayAsync();
    }

    [Fact]
    public async Task raisers_of_one_issue_are_merged_across_surgeries_and_every_one_is_carried_by_the_action()
    {
        using var officer = fx.Officer("clifton-east");
        var first = await HoldSurgeryAsync("clifton-east", new C.IssueRaised("vehicle-crime", "Catalytic converters stolen on Farnborough Road", ["ce-ann", "ce-bob"]));
        var second = await HoldSurgeryAsync("clifton-east", new C.IssueRaised("Vehicle crime", "Cars broken into overnight", ["ce-bob", "ce-cat"]),
            new C.IssueRaised("asb", "Fireworks in the park"));

        var raised = Assert.Single(await RaisedAsync("ce-cat"));
        Assert.Equal("candidate", raised!["status"]!.GetValue<string>());
        Assert.Equal("vehicle-crime", raised["category"]!.GetValue<string>());
        // Where each resident raised it: only their own mentions, each surgery named by its id.
        Assert.Equal([("surgery", (string?)second.ToString())], Where(raised));
        Assert.Equal([("surgery", (string?)first.ToString()), ("surgery", second.ToString())], Where(Assert.Single(await RaisedAsync("ce-bob"))!));
        Assert.Empty(await RaisedAsync("ce-nobody"));
        var id = raised.AsObject().Id("priorityId");

        using var adopted = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{id}/adopt", new { reason = "Repeat thefts on one road" });
        Assert.Equal(HttpStatusCode.OK, adopted.StatusCode);
        var today = DateOnly.FromDateTime(London.Show(fx.Clock.GetUtcNow()).DateTime);
        using var actioned = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{id}/actions",
            new { date = today.ToString("yyyy-MM-dd"), text = "Marking kits handed out and patrols at night", outcome = "No thefts for a fortnight" }, adopted.ETag());
        Assert.Equal(HttpStatusCode.OK, actioned.StatusCode);

        var action = Assert.Single(await fx.Published.WaitForAsync<C.PriorityActioned>(a => a.PriorityId == id));
        Assert.Equal(["ce-ann", "ce-bob", "ce-cat"], action.RaiserIds.Order(StringComparer.Ordinal));
        var mine = Assert.Single(await RaisedAsync("ce-ann"))!;
        Assert.Equal("adopted", mine["status"]!.GetValue<string>());
        var done = Assert.Single(mine["actions"]!.AsArray())!;
        Assert.Equal("Marking kits handed out and patrols at night", done["text"]!.GetValue<string>());
        // A resident is told what was done, not which officer did it or who else raised it.
        Assert.Null(done["by"]);
        Assert.DoesNotContain("ce-bob", mine.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_erased_resident_is_forgotten_as_a_raiser_once_however_often_the_erasure_comes_and_it_is_audited()
    {
        using var officer = fx.Officer("meadows");
        await HoldSurgeryAsync("meadows", new C.IssueRaised("drugs", "Dealing by the embankment steps", ["me-dee", "me-eve"]));
        await HoldSurgeryAsync("meadows", new C.IssueRaised("road-safety", "Speeding on Queen's Walk", ["me-eve"]));
        Assert.Equal(2, (await RaisedAsync("me-eve")).Count);

        var erasure = Guid.NewGuid();
        await EraseAsync(erasure, "me-eve");
        await EraseAsync(erasure, "me-eve");
        await fx.Consumed.WaitForAsync(erasure, 2);

        Assert.Empty(await RaisedAsync("me-eve"));
        Assert.Single(await RaisedAsync("me-dee"));
        Assert.Equal(2, await fx.CountAsync("select count(*) from plans.mt_events where type = 'raiser_forgotten' and data ->> 'residentId' = 'me-eve'"));
        Assert.Equal(1, await fx.CountAsync(
            "select count(*) from plans.audit_log where action = 'erase' and subject_type = 'resident' and subject_id = 'me-eve' and (detail ->> 'priorities')::int = 2"));
        // The resident's own reads of what they raised are audited too.
        Assert.True(await fx.CountAsync("select count(*) from plans.audit_log where action = 'consult' and subject_id = 'me-dee'") >= 1);

        var drugs = (await (await officer.GetAsync("/api/plans/priorities?area=meadows")).ArrayAsync()).Single(p => p!["category"]!.GetValue<string>() == "drugs")!.AsObject().Id();
        using var adopted = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{drugs}/adopt", new { reason = "Most harm" });
        var today = DateOnly.FromDateTime(London.Show(fx.Clock.GetUtcNow()).DateTime);
        using var actioned = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{drugs}/actions",
            new { date = today.ToString("yyyy-MM-dd"), text = "Two warrants executed" }, adopted.ETag());
        Assert.Equal(HttpStatusCode.OK, actioned.StatusCode);
        var action = Assert.Single(await fx.Published.WaitForAsync<C.PriorityActioned>(a => a.PriorityId == drugs));
        Assert.Equal(["me-dee"], action.RaiserIds);
    }

    [Fact]
    public async Task a_raiser_still_sees_a_closed_round_when_the_issue_is_raised_again_until_they_are_erased()
    {
        using var officer = fx.Officer("st-anns");
        await HoldSurgeryAsync("st-anns", new C.IssueRaised("knife-crime", "Knives found in the park", ["sa-first"]));
        var id = Assert.Single(await RaisedAsync("sa-first"))!.AsObject().Id("priorityId");
        using var adopted = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{id}/adopt", new { reason = "Weapons in a play area" });
        var today = DateOnly.FromDateTime(London.Show(fx.Clock.GetUtcNow()).DateTime);
        using var actioned = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{id}/actions",
            new { date = today.ToString("yyyy-MM-dd"), text = "Weapon sweeps every week with the park wardens" }, adopted.ETag());
        Assert.Equal(HttpStatusCode.OK, actioned.StatusCode);
        using var closed = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{id}/close", new { reason = "Nothing found for two months" });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        await HoldSurgeryAsync("st-anns", new C.IssueRaised("knife-crime", "Knife seen at the bus stop", ["sa-second"]));

        var first = Assert.Single(await RaisedAsync("sa-first"))!;
        Assert.Equal(1, first["round"]!.GetValue<int>());
        Assert.Equal("closed", first["status"]!.GetValue<string>());
        Assert.Equal("Knives found in the park", first["issue"]!.GetValue<string>());
        Assert.Equal("Weapon sweeps every week with the park wardens", Assert.Single(first["actions"]!.AsArray())!["text"]!.GetValue<string>());
        Assert.NotNull(first["closedAt"]);
        Assert.Equal("surgery", Assert.Single(Where(first)).Source);
        var second = Assert.Single(await RaisedAsync("sa-second"))!;
        Assert.Equal(2, second["round"]!.GetValue<int>());
        Assert.Equal("candidate", second["status"]!.GetValue<string>());
        Assert.Empty(second["actions"]!.AsArray());

        var erasure = Guid.NewGuid();
        await EraseAsync(erasure, "sa-first");
        await fx.Consumed.WaitForAsync(erasure, 1);
        Assert.Empty(await RaisedAsync("sa-first"));
        Assert.Single(await RaisedAsync("sa-second"));
    }

    [Fact]
    public async Task only_residents_and_admins_read_what_they_raised()
    {
        HttpClient ClientFor(string role) => role == RoleMatrix.Anonymous ? fx.Anonymous() : fx.As(role, AreaScope.ForceWide);
        await RoleMatrix.AssertAsync(ClientFor, "GET", "/api/plans/raised", "resident admin");
    }

    [Fact]
    public async Task a_reply_passed_on_as_an_issue_is_a_candidate_raised_by_the_resident_who_replied_counted_once()
    {
        var issue = new C.ReplyRaisedAsIssue(Guid.CreateVersion7(), fx.Clock.GetUtcNow(), Guid.NewGuid(), "bulwell", "Road safety", "Speeding on Highbury Road at night", "bw-dee");
        await fx.Bus.Publish(issue, ctx => ctx.MessageId = issue.EventId);
        await fx.Bus.Publish(issue, ctx => ctx.MessageId = issue.EventId);
        await fx.Consumed.WaitForAsync(issue.EventId, 2, Priorities.ReplyIssueConsumer.Name);

        var raised = Assert.Single(await RaisedAsync("bw-dee"));
        Assert.Equal("road-safety", raised!["category"]!.GetValue<string>());
        Assert.Equal([("reply", (string?)null)], Where(raised));
        using var officer = fx.Officer("bulwell");
        var priority = (await (await officer.GetAsync("/api/plans/priorities?area=bulwell")).ArrayAsync()).Single(p => p!["category"]!.GetValue<string>() == "road-safety")!;
        Assert.Equal(1, priority["mentions"]!.GetValue<int>());
        Assert.Equal(["reply"], priority["sources"]!.AsArray().Select(x => x!.GetValue<string>()));
    }

    [Fact]
    public async Task a_surgery_held_in_flight_when_its_raiser_was_erased_does_not_make_them_a_raiser_again()
    {
        var erasure = Guid.NewGuid();
        await EraseAsync(erasure, "fl-gone");
        await fx.Consumed.WaitForAsync(erasure, 1, Raisers.ResidentErasedConsumer.Name);
        await HoldSurgeryAsync("sherwood", new C.IssueRaised("burglary", "Garages broken into on Haydn Road", ["fl-gone", "fl-here"]));
        var reply = new C.ReplyRaisedAsIssue(Guid.NewGuid(), fx.Clock.GetUtcNow(), Guid.NewGuid(), "sherwood", "burglary", "Sheds broken into too", "fl-gone");
        await fx.Bus.Publish(reply, ctx => ctx.MessageId = reply.EventId);
        await fx.Consumed.WaitForAsync(reply.EventId, 1, Priorities.ReplyIssueConsumer.Name);

        // Both mentions count; only the resident still with us is named, and the erased one sees nothing.
        using var officer = fx.Officer("sherwood");
        var priority = await (await officer.GetAsync($"/api/plans/priorities/{Priorities.Priority.IdFor("sherwood", "burglary")}")).BodyAsync();
        Assert.Equal(2, priority["mentions"]!.GetValue<int>());
        Assert.Single(await RaisedAsync("fl-here"));
        Assert.Empty(await RaisedAsync("fl-gone"));
        Assert.Equal(0, await fx.CountAsync("select count(*) from plans.mt_events where data::text like '%fl-gone%'"));
        Assert.Equal(1, await fx.CountAsync("select count(*) from plans.erased_residents where resident_id = 'fl-gone'"));
    }
}
