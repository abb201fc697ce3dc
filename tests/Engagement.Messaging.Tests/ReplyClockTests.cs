using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;

namespace Engagement.Messaging.Tests;

/// <summary>The replies list ordered by the 72-hour clock, for staff who answer the reply due first.</summary>
public sealed class ReplyClockTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task sorted_by_the_clock_the_waiting_reply_due_first_leads_and_answered_ones_follow_each_saying_if_it_was_raised_as_an_issue()
    {
        await Audiences.SeedAsync(f, "clk-", 1, "radford", ["appeals"]);
        using var comms = f.As(Roles.Communications, "comms-clock-sort", "radford");
        var sent = await comms.PostAsJsonAsync("/api/messaging/alerts", new
        {
            type = "appeal", priority = "routine", audience = new { areas = new[] { "radford" }, interests = new[] { "appeals" } },
            subject = "Did you see the fire?", body = "A van was set alight on Ilkeston Road. Did you see anything?",
        });
        await Audiences.WaitForStatusAsync(comms, sent.Headers.Location!.ToString(), "completed");
        var alert = (await sent.BodyAsync())["id"]!.GetValue<string>();
        using var resident = f.Resident("clk-1");

        async Task<string> ReplyAsync(string body)
        {
            var posted = await resident.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body });
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            f.Clock.Advance(TimeSpan.FromHours(1));
            return (await posted.BodyAsync())["replyId"]!.GetValue<string>();
        }

        var oldest = await ReplyAsync("I saw a man with a petrol can near the chip shop.");
        var answered = await ReplyAsync("My doorbell camera points at the road.");
        var urgentNewest = await ReplyAsync("He had a knife and he is back now.");
        (await comms.PostAsJsonAsync($"/api/messaging/replies/{answered}/answer", new { body = "Thank you, an officer will collect the footage." })).EnsureSuccessStatusCode();

        (await comms.PostAsJsonAsync($"/api/messaging/replies/{oldest}/issue", new { category = "vehicle-crime", summary = "Petrol can seen before a van fire" }))
            .EnsureSuccessStatusCode();

        var byClock = (await comms.GetFromJsonAsync<JsonArray>($"/api/messaging/replies?alertId={alert}&sort=due"))!;
        var byDefault = (await comms.GetFromJsonAsync<JsonArray>($"/api/messaging/replies?alertId={alert}"))!;
        var waiting = (await comms.GetFromJsonAsync<JsonArray>($"/api/messaging/replies?alertId={alert}&sort=due&answered=false"))!;
        var badSort = await comms.GetAsync("/api/messaging/replies?sort=loudest");

        static string[] Ids(JsonArray list) => list.Select(r => r!["replyId"]!.GetValue<string>()).ToArray();
        Assert.Equal(new[] { oldest, urgentNewest, answered }, Ids(byClock));
        Assert.Equal(urgentNewest, Ids(byDefault)[0]);
        Assert.Equal(new[] { oldest, urgentNewest }, Ids(waiting));
        var due = byClock.Select(r => r!["dueBy"]!.GetValue<DateTimeOffset>()).ToArray();
        Assert.True(due[0] < due[1], "the waiting reply due first comes first");
        Assert.Equal(new[] { true, false, false }, byClock.Select(r => r!["raisedAsIssue"]!.GetValue<bool>()).ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, badSort.StatusCode);
        Assert.NotNull((await badSort.BodyAsync())["errors"]!["sort"]);
    }
}
