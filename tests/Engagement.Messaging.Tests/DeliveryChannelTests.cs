using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using static Engagement.Messaging.Tests.SubscriptionTestKit;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Tests;

/// <summary>Email through the real SMTP server and SMS through the fake provider, end to end from subscription to delivery.</summary>
public sealed class DeliveryChannelTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private Task<(string Sub, string Email, string Phone)> SubscribeAsync(string prefix, string area, string interest) =>
        SubscribeWithContactsAsync(f, prefix, area, interest);

    /// <summary>An alert to one area and interest, sent and waited for until every channel has finished.</summary>
    private async Task<JsonObject> AlertAndWaitAsync(string area, string interest, string subject)
    {
        using var comms = f.As(Roles.Communications, "comms-" + area);
        var response = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert(area, subject: subject, interests: [interest]));
        return await Audiences.WaitForStatusAsync(comms, response.Headers.Location!.ToString(), "completed");
    }

    [Fact]
    public async Task an_alert_reaches_the_inbox_email_and_sms_with_one_click_unsubscribe_links()
    {
        var (sub, email, phone) = await SubscribeAsync("chan", "sherwood", "burglary");
        var done = await AlertAndWaitAsync("sherwood", "burglary", "Sheds broken into on Mansfield Road");

        var mail = (await MailsTo(f, email, atLeast: 2)).Single(m => m.Subject == "Sheds broken into on Mansfield Road");
        var sms = Assert.Single(f.Sms.Sent, s => s.To == phone && s.Body.Contains("Sheds broken into", StringComparison.Ordinal));
        Assert.Equal(1, done["counts"]!["delivered"]!["email"]!.GetValue<int>());
        Assert.Equal(1, done["counts"]!["delivered"]!["sms"]!.GetValue<int>());
        Assert.Equal(1, done["counts"]!["delivered"]!["in-app"]!.GetValue<int>());
        Assert.Contains("/api/messaging/unsubscribe?token=", mail.Text, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.StartsWith("<http", mail.Headers["List-Unsubscribe"], StringComparison.Ordinal);
        Assert.Contains("Stop: http", sms.Body, StringComparison.Ordinal);

        // The link in the SMS works with one click and stops SMS only.
        var stop = await f.Anonymous().PostAsync(UnsubscribePath(sms.Body), null);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.False(await f.ScalarAsync<bool>("select sms_enabled from messaging.subscribers where subscriber_id = @s", ("s", sub)));
        Assert.True(await f.ScalarAsync<bool>("select email_verified from messaging.subscribers where subscriber_id = @s", ("s", sub)));
    }

    [Fact]
    public async Task handing_an_address_to_the_email_or_sms_provider_is_recorded_as_a_disclosure()
    {
        var (sub, _, _) = await SubscribeAsync("disclose", "bestwood", "road-safety");
        var alert = (await AlertAndWaitAsync("bestwood", "road-safety", "Speed checks on Beckhampton Road"))["id"]!.GetValue<string>();

        // One disclose row per send, for each channel that handed the address over (DPA 2018 s62).
        foreach (var channel in new[] { "email", "sms" })
        {
            Assert.Equal(1L, await f.ScalarAsync<long>(
                """
                select count(*) from messaging.audit_log
                where action = 'disclose' and subject_type = 'subscriber' and subject_id = @s and detail->>'alertId' = @a and detail->>'channel' = @c
                """,
                ("s", sub), ("a", alert), ("c", channel)));
        }
    }

    [Fact]
    public async Task a_provider_that_fails_is_retried_and_a_provider_that_never_answers_is_recorded_as_failed_with_its_reason()
    {
        var (_, _, phone) = await SubscribeAsync("flaky", "bilborough", "vehicle-crime");
        f.Sms.FailNext(1);
        using var comms = f.As(Roles.Communications, "comms-flaky");
        var first = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("bilborough", subject: "Catalytic converter thefts", interests: ["vehicle-crime"]));
        var delivered = await Audiences.WaitForStatusAsync(comms, first.Headers.Location!.ToString(), "completed");
        Assert.Equal(1, delivered["counts"]!["delivered"]!["sms"]!.GetValue<int>());
        Assert.Single(f.Sms.Sent, s => s.To == phone && s.Body.Contains("Catalytic", StringComparison.Ordinal));

        f.Sms.FailNext(100);
        var second = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("bilborough", subject: "Keyless car theft", interests: ["vehicle-crime"]));
        var failed = await Audiences.WaitForStatusAsync(comms, second.Headers.Location!.ToString(), "completed");
        f.Sms.FailNext(0);

        Assert.Equal(1, failed["counts"]!["failed"]!.GetValue<int>());
        Assert.Equal(0, failed["counts"]!["delivered"]!["sms"]!.GetValue<int>());
        Assert.Equal(1, failed["counts"]!["delivered"]!["in-app"]!.GetValue<int>());
        var reason = await f.ScalarAsync<string>("select reason from messaging.deliveries where alert_id = @a and channel = 'sms'", ("a", Guid.Parse(failed["id"]!.GetValue<string>())));
        Assert.Contains("503", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_provider_that_hangs_is_cut_off_by_the_timeout_and_the_message_goes_on_the_next_attempt()
    {
        var (_, _, phone) = await SubscribeAsync("hang", "clifton-west", "rural-crime");
        f.Sms.HangNext(1);
        using var comms = f.As(Roles.Communications, "comms-hang");
        var started = DateTimeOffset.UtcNow;
        var response = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("clifton-west", subject: "Farm machinery thefts", interests: ["rural-crime"]));
        var done = await Audiences.WaitForStatusAsync(comms, response.Headers.Location!.ToString(), "completed");

        Assert.Equal(1, done["counts"]!["delivered"]!["sms"]!.GetValue<int>());
        Assert.Single(f.Sms.Sent, s => s.To == phone && s.Body.Contains("Farm machinery", StringComparison.Ordinal));
        Assert.True(f.Sms.Calls >= 2, "the hung call was abandoned and the message sent again");
        // The provider hangs for 30 s; the adapter gives up after its 5 s per-try timeout instead.
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(25));
        Assert.Equal(2, await f.ScalarAsync<int>("select attempts from messaging.deliveries where alert_id = @a and channel = 'sms'", ("a", Guid.Parse(done["id"]!.GetValue<string>()))));
    }

    [Fact]
    public async Task beyond_the_fatigue_budget_routine_alerts_go_in_app_only_but_urgent_ones_still_go_everywhere()
    {
        var (sub, email, _) = await SubscribeAsync("tired", "leen-valley", "asb");
        using var comms = f.As(Roles.Communications, "comms-tired");
        for (var i = 1; i <= 4; i++)
        {
            var r = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("leen-valley", subject: $"Routine update {i}", interests: ["asb"]));
            await Audiences.WaitForStatusAsync(comms, r.Headers.Location!.ToString(), "completed");
        }

        var urgent = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("leen-valley", subject: "Urgent: road closed", priority: "urgent", interests: ["asb"]));
        var urgentId = (await urgent.BodyAsync())["id"]!.GetValue<string>();
        (await f.As(Roles.Communications, "comms-second").PostAsync($"/api/messaging/alerts/{urgentId}/approve", null)).EnsureSuccessStatusCode();
        await Audiences.WaitForStatusAsync(comms, urgent.Headers.Location!.ToString(), "completed");

        var mails = (await MailsTo(f, email, atLeast: 5)).Select(m => m.Subject).ToList();
        Assert.Equal(3, mails.Count(s => s.StartsWith("Routine update", StringComparison.Ordinal)));
        Assert.Contains("Urgent: road closed", mails);
        Assert.Equal(4L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where subscriber_id = @s and subject like 'Routine update%'", ("s", sub)));
        Assert.Equal(1L, await f.ScalarAsync<long>(
            "select count(*) from messaging.deliveries where recipient_id = @s and channel = 'email' and status = 'suppressed' and reason = 'fatigue'", ("s", sub)));
    }
}

public sealed class ReplyTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private async Task<Guid> AlertToAsync(string area, string prefix, int residents)
    {
        await Audiences.SeedAsync(f, prefix, residents, area, ["appeals"]);
        using var comms = f.As(Roles.Communications, "comms-replies");
        var response = await comms.PostAsJsonAsync("/api/messaging/alerts", new
        {
            type = "appeal", priority = "routine", audience = new { areas = new[] { area }, interests = new[] { "appeals" } },
            subject = "Did you see anything?", body = "A car was set alight on Tuesday night. Did you see anything?",
        });
        await Audiences.WaitForStatusAsync(comms, response.Headers.Location!.ToString(), "completed");
        return Guid.Parse((await response.BodyAsync())["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task a_reply_is_flagged_urgent_on_a_keyword_published_without_personal_data_and_answered_into_the_inbox()
    {
        var alert = await AlertToAsync("hyson-green-arboretum", "hg-", 2);
        using var resident = f.Resident("hg-1");
        var calm = await resident.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body = "I saw two people running towards the park around 11pm." });
        var urgent = await resident.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body = "One of them had a KNIFE and said he would come back." });
        var urgentReply = await urgent.BodyAsync();
        var replyId = urgentReply["replyId"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Created, calm.StatusCode);
        Assert.False((await calm.BodyAsync())["urgent"]!.GetValue<bool>());
        var received = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(f.Published.Of<C.ReplyReceived>().Where(r => r.AlertId == alert).ToList()),
            l => l.Count == 2, what: "two ReplyReceived");
        Assert.Single(received, r => r.Urgent);
        Assert.All(received, r => Assert.Equal("hyson-green-arboretum", r.AreaCode));
        Assert.All(f.Published.Messages.Where(m => m.Message is C.ReplyReceived), m => Assert.DoesNotContain("KNIFE", m.Json, StringComparison.OrdinalIgnoreCase));

        using var team = f.As(Roles.Neighbourhood, "pcso-hg", "hyson-green-arboretum");
        var list = (await team.GetFromJsonAsync<JsonArray>($"/api/messaging/replies?alertId={alert}"))!;
        Assert.True(list[0]!["urgent"]!.GetValue<bool>(), "urgent replies come first");
        var answer = await team.PostAsJsonAsync($"/api/messaging/replies/{replyId}/answer", new { body = "Thank you. An officer will call you today." });
        var twice = await team.PostAsJsonAsync($"/api/messaging/replies/{replyId}/answer", new { body = "Again" });

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(1L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where subscriber_id = 'hg-1' and kind = 'reply-answer'"));
        Assert.Equal(0L, await f.ScalarAsync<long>("select count(*) from messaging.mt_events where data::text ilike '%would come back%'"));

        // Plans counts the 72-hour clock from ReplyAnswered: the area and both times, not who nor what was written.
        var (answeredId, answeredMessage, answeredJson) = await TestInfrastructure.EventuallyAsync(
            () => Task.FromResult(f.Published.Messages.SingleOrDefault(m => m.Message is C.ReplyAnswered a && a.ReplyId == Guid.Parse(replyId))),
            m => m.Message is not null, what: "ReplyAnswered");
        var answered = (C.ReplyAnswered)answeredMessage;
        Assert.Equal(answered.EventId, answeredId);
        Assert.Equal("hyson-green-arboretum", answered.AreaCode);
        Assert.Equal(urgentReply["receivedAt"]!.GetValue<DateTimeOffset>(), answered.ReceivedAt);
        Assert.Equal((await answer.BodyAsync())["answeredAt"]!.GetValue<DateTimeOffset>(), answered.AnsweredAt);
        Assert.DoesNotContain("officer will call", answeredJson, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hg-1", answeredJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task staff_pass_a_reply_to_plans_as_an_issue_once_with_the_resident_as_raiser_and_none_of_their_words()
    {
        var alert = await AlertToAsync("bestwood", "bw-", 1);
        using var resident = f.Resident("bw-1");
        var reply = await resident.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body = "Cars race up and down Arnold Road every night after ten." });
        var replyId = (await reply.BodyAsync())["replyId"]!.GetValue<string>();

        using var elsewhere = f.As(Roles.Neighbourhood, "pcso-aspley", "aspley");
        Assert.Equal(HttpStatusCode.Forbidden,
            (await elsewhere.PostAsJsonAsync($"/api/messaging/replies/{replyId}/issue", new { category = "road safety", summary = "Speeding at night" })).StatusCode);
        using var team = f.As(Roles.Neighbourhood, "pcso-bw", "bestwood");
        var bad = await team.PostAsJsonAsync($"/api/messaging/replies/{replyId}/issue", new { category = "road<safety>", summary = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["category", "summary"], (await bad.BodyAsync())["errors"]!.AsObject().Select(e => e.Key).Order());
        var marked = await team.PostAsJsonAsync($"/api/messaging/replies/{replyId}/issue", new { category = "road safety", summary = "Speeding on Arnold Road at night" });
        Assert.Equal(HttpStatusCode.Created, marked.StatusCode);
        var again = await team.PostAsJsonAsync($"/api/messaging/replies/{replyId}/issue", new { category = "road safety", summary = "Speeding" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var published = await TestInfrastructure.EventuallyAsync(
            () => Task.FromResult(f.Published.Messages.Where(m => m.Message is C.ReplyRaisedAsIssue).ToList()), l => l.Count > 0, what: "ReplyRaisedAsIssue");
        var (messageId, message, json) = Assert.Single(published);
        var issue = (C.ReplyRaisedAsIssue)message;
        Assert.Equal((Guid.Parse(replyId), "bestwood", "road safety", "Speeding on Arnold Road at night", "bw-1"),
            (issue.ReplyId, issue.AreaCode, issue.Category, issue.Summary, issue.RaiserId));
        Assert.Equal(issue.EventId, messageId);
        Assert.DoesNotContain("every night after ten", json, StringComparison.Ordinal);
        Assert.Equal(1L, await f.ScalarAsync<long>($"select count(*) from messaging.audit_log where action = 'disclose' and subject_type = 'reply' and subject_id = '{replyId}'"));
    }

    [Fact]
    public async Task a_resident_who_comes_back_after_erasure_can_reply_to_an_alert_and_be_answered()
    {
        var sub = NewSub("back-reply");
        using var me = f.Resident(sub);
        (await PutMe(me, Body(areas: ["retford"], interests: ["appeals"]))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await me.DeleteAsync("/api/messaging/subscriptions/me")).StatusCode);
        (await PutMe(me, Body(areas: ["retford"], interests: ["appeals"]))).EnsureSuccessStatusCode();
        var alert = await AlertToAsync("retford", "rt-", 0);

        var reply = await me.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body = "I came back and I saw the car." });

        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var replyId = (await reply.BodyAsync())["replyId"]!.GetValue<string>();
        using var team = f.As(Roles.Neighbourhood, "pcso-rt", "retford");
        var answer = await team.PostAsJsonAsync($"/api/messaging/replies/{replyId}/answer", new { body = "Thank you for coming back to us." });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("I came back and I saw the car.", (await answer.BodyAsync())["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task unanswered_replies_breach_the_72_hour_clock_and_only_recipients_may_reply()
    {
        var alert = await AlertToAsync("wollaton-west", "ww-", 1);
        using var resident = f.Resident("ww-1");
        var posted = await (await resident.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body = "My neighbour's CCTV may have caught it." })).BodyAsync();
        using var stranger = f.Resident("never-received");
        var notRecipient = await stranger.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body = "Hello" });
        var empty = await resident.PostAsJsonAsync($"/api/messaging/alerts/{alert}/replies", new { body = "" });
        using var comms = f.As(Roles.Communications, "comms-clock");

        var before = (await comms.GetFromJsonAsync<JsonArray>("/api/messaging/replies?overdue=true"))!;
        f.Clock.Advance(TimeSpan.FromHours(73));
        var after = (await comms.GetFromJsonAsync<JsonArray>("/api/messaging/replies?overdue=true"))!;

        Assert.Equal(HttpStatusCode.Forbidden, notRecipient.StatusCode);
        Assert.EndsWith("/not-a-recipient", (await notRecipient.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.DoesNotContain(before, r => r!["replyId"]!.GetValue<string>() == posted["replyId"]!.GetValue<string>());
        Assert.Contains(after, r => r!["replyId"]!.GetValue<string>() == posted["replyId"]!.GetValue<string>() && r["overdue"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/api/messaging/replies")).StatusCode);
    }
}
