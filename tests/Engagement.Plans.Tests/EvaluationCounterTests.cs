using System.Net;
using System.Text.Json.Nodes;
using Engagement.Plans.Evaluation;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using C = Engagement.Contracts;

namespace Engagement.Plans.Tests;

/// <summary>
/// The counters an evaluation reads instead of every activity and priority: kept by an inline projection through every
/// write path (API, consumers, import, erasure), never losing a count to concurrent writers, equal to a rebuild from the
/// event log; and the 72-hour reply clock Messaging's events start and stop.
/// </summary>
public sealed class EvaluationCounterTests(PlansFixture fx) : IClassFixture<PlansFixture>
{
    private const string Area = "basford";

    private Task PublishAsync<T>(T message, Guid messageId) where T : class => fx.Bus.Publish(message, ctx => ctx.MessageId = messageId);

    private string Today => DateOnly.FromDateTime(London.Show(fx.Clock.GetUtcNow()).DateTime).ToString("yyyy-MM-dd");

    private Task<string> TablesAsync() => TestInfrastructure.ScalarAsync<string>(fx.ConnectionString,
        """
        select coalesce((select string_agg(format('%s|%s|%s|%s|%s|%s', area_code, day, dimension, key, activities, people_reached), E'\n' order by area_code, day, dimension, key)
                         from plans.activity_counters), '')
            || E'\n--\n' || coalesce((select string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s', priority_id, round, area_code, issue, status, raised_at, first_action_at, closed_at),
                                                   E'\n' order by priority_id, round) from plans.priority_rounds), '')
            || E'\n--\n' || coalesce((select string_agg(format('%s|%s|%s', priority_id, round, resident_id), E'\n' order by priority_id, round, resident_id)
                                     from plans.round_raisers), '')
        """);

    [Fact]
    public async Task a_rebuilt_projection_equals_the_live_one_and_concurrent_activities_are_each_counted()
    {
        using var officer = fx.Officer(Area);
        using var drafted = await officer.SendAsync(HttpMethod.Post, "/api/plans", new { areaCode = Area, targetCommunities = new[] { "Karen community", "Students" } });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var planId = (await drafted.BodyAsync()).Id();

        // Twenty activities by eight writers at once in one area: every one counted, none lost to a concurrent update.
        var kinds = new[] { "patrol", "school-session", "online-post", "kin-cascade" };
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async w =>
        {
            for (var i = w; i < 20; i += 8)
            {
                using var logged = await officer.SendAsync(HttpMethod.Post, $"/api/plans/{planId}/activities", new
                {
                    kind = kinds[i % kinds.Length], on = Today, summary = $"Activity {i}", targetCommunity = i % 2 == 0 ? "karen community" : null,
                    channel = i % 3 == 0 ? "whatsapp" : "face-to-face", peopleReached = i,
                });
                Assert.Equal(HttpStatusCode.Created, logged.StatusCode);
            }
        }));

        // Priorities from a surgery (with raisers) and a survey; one adopted, acted on, closed and raised again; a raiser erased.
        var now = fx.Clock.GetUtcNow();
        var held = new C.SurgeryHeld(Guid.CreateVersion7(), now, Guid.NewGuid(), Area, now, 9,
            [new C.IssueRaised("drugs", "Dealing by the park gates", ["rb-amy", "rb-bob"]), new C.IssueRaised("speeding", "Cars racing on Vernon Road", ["rb-cat"])]);
        await PublishAsync(held, held.EventId);
        await fx.Consumed.WaitForAsync(held.EventId, 1, Priorities.SurgeryHeldConsumer.Name);
        await fx.Consumed.WaitForAsync(held.EventId, 1, Activities.SurgeryActivityConsumer.Name);
        using (var csv = new StringContent($"respondent_area,issue_category,free_text,date\n{Area},drugs,Needles in the alley,{Today}\n{Area},litter,Fly-tipping,{Today}\n",
                   System.Text.Encoding.UTF8, "text/csv"))
        {
            Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync("/api/plans/priorities/imports/survey", csv)).StatusCode);
        }

        var drugs = Priorities.Priority.IdFor(Area, "drugs");
        using var adopted = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{drugs}/adopt", new { reason = "Most raised" });
        using var actioned = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{drugs}/actions",
            new { date = Today, text = "Warrant executed at the flat", outcome = "Two arrests" }, adopted.ETag());
        using var closed = await officer.SendAsync(HttpMethod.Post, $"/api/plans/priorities/{drugs}/close", new { reason = "Dealt with" }, actioned.ETag());
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var again = new C.SurgeryHeld(Guid.CreateVersion7(), now, Guid.NewGuid(), Area, now, 3, [new C.IssueRaised("drugs", "Dealing again by the park", ["rb-dan"])]);
        await PublishAsync(again, again.EventId);
        await fx.Consumed.WaitForAsync(again.EventId, 1, Priorities.SurgeryHeldConsumer.Name);
        await fx.Consumed.WaitForAsync(again.EventId, 1, Activities.SurgeryActivityConsumer.Name);
        var erased = new C.ResidentErased(Guid.CreateVersion7(), now, "rb-bob", "rb-bob");
        await PublishAsync(erased, erased.EventId);
        await fx.Consumed.WaitForAsync(erased.EventId, 1, Raisers.ResidentErasedConsumer.Name);

        var evaluation = await (await officer.GetAsync($"/api/plans/{planId}/evaluation")).BodyAsync();
        var activity = evaluation["activity"]!;
        // The twenty, and the two surgeries logged from SurgeryHeld.
        Assert.Equal(22, activity["total"]!.GetValue<int>());
        Assert.Equal(Enumerable.Range(0, 20).Sum() + 9 + 3, activity["peopleReached"]!.GetValue<int>());
        Assert.Equal(10, activity["byCommunity"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "karen community")!["activities"]!.GetValue<int>());
        var karen = evaluation["targetCommunities"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == "Karen community")!;
        Assert.Equal(10, karen["activitiesThisQuarter"]!.GetValue<int>());
        // Raisers: amy, cat, dan (bob erased); amy was told (the first round was acted on), bob no longer counts.
        Assert.Equal(3, evaluation["raisers"]!["raisers"]!.GetValue<int>());
        Assert.Equal(1, evaluation["raisers"]!["told"]!.GetValue<int>());
        Assert.Equal(0, await fx.CountAsync("select count(*) from plans.round_raisers where resident_id = 'rb-bob'"));

        var live = await TablesAsync();
        var store = fx.Service.Services.GetRequiredService<IDocumentStore>();
        await PlanCountersProjection.RebuildAsync(store, CancellationToken.None);
        Assert.Equal(live, await TablesAsync());
        var rebuilt = await (await officer.GetAsync($"/api/plans/{planId}/evaluation")).BodyAsync();
        Assert.Equal(evaluation.ToJsonString(), rebuilt.ToJsonString());
        Assert.Contains("|2|basford|Dealing again by the park|candidate|", live, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_reply_clock_counts_answers_in_time_late_and_replies_left_open_past_72_hours()
    {
        const string area = "bulwell";
        using var officer = fx.Officer(area);
        using var drafted = await officer.SendAsync(HttpMethod.Post, "/api/plans", new { areaCode = area, startsOn = DateOnly.Parse(Today).AddMonths(-1).ToString("yyyy-MM-dd") });
        var planId = (await drafted.BodyAsync()).Id();
        var now = fx.Clock.GetUtcNow();
        var inTime = Guid.NewGuid();
        var late = Guid.NewGuid();
        var overdue = Guid.NewGuid();
        var open = Guid.NewGuid();
        var elsewhere = Guid.NewGuid();
        var messages = new object[]
        {
            new C.ReplyReceived(Guid.CreateVersion7(), now.AddDays(-10), Guid.NewGuid(), inTime, area, "burglary", false),
            new C.ReplyAnswered(Guid.CreateVersion7(), now.AddDays(-9), inTime, area, now.AddDays(-10), now.AddDays(-9)),
            // The answer arrives before the reply itself: the row is written by whichever comes first.
            new C.ReplyAnswered(Guid.CreateVersion7(), now.AddDays(-5), late, area, now.AddDays(-9), now.AddDays(-5)),
            new C.ReplyReceived(Guid.CreateVersion7(), now.AddDays(-9), Guid.NewGuid(), late, area, "asb", false),
            new C.ReplyReceived(Guid.CreateVersion7(), now.AddDays(-4), Guid.NewGuid(), overdue, area, "asb", true),
            new C.ReplyReceived(Guid.CreateVersion7(), now.AddHours(-5), Guid.NewGuid(), open, area, "asb", false),
            new C.ReplyReceived(Guid.CreateVersion7(), now.AddDays(-4), Guid.NewGuid(), elsewhere, "basford", "asb", false),
        };
        foreach (var m in messages)
        {
            var id = ((C.IIntegrationEvent)m).EventId;
            await (m is C.ReplyAnswered a ? PublishAsync(a, id) : PublishAsync((C.ReplyReceived)m, id));
            await fx.Consumed.WaitForAsync(id, 1);
        }

        // A redelivery counts nothing twice.
        var first = (C.ReplyReceived)messages[0];
        await PublishAsync(first, first.EventId);
        await fx.Consumed.WaitForAsync(first.EventId, 2);

        var replies = (await (await officer.GetAsync($"/api/plans/{planId}/evaluation")).BodyAsync())["replies"]!;
        Assert.Equal(4, replies["received"]!.GetValue<int>());
        Assert.Equal(1, replies["answeredInTime"]!.GetValue<int>());
        Assert.Equal(1, replies["answeredLate"]!.GetValue<int>());
        Assert.Equal(1, replies["openOverdue"]!.GetValue<int>());
        Assert.Equal(1, replies["openInTime"]!.GetValue<int>());
        Assert.Equal(33.3m, replies["shareInTime"]!.GetValue<decimal>());
    }
}
