using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Engagement.Messaging.Delivery;
using Engagement.ServiceDefaults;
using Engagement.Testing;
using Npgsql;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Tests;

/// <summary>Seeds the targeting table directly, as the bulk loader does, so alert tests control exactly who is in an audience.</summary>
public static class Audiences
{
    public static async Task SeedAsync(MessagingFixture f, string prefix, int count, string area, string[] interests, string language = "en",
        bool email = false, bool sms = false, (TimeSpan Start, TimeSpan End)? quiet = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        await using var conn = new NpgsqlConnection(f.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            insert into messaging.subscribers (subscriber_id, area_codes, interests, email_verified, sms_enabled, language, quiet_start, quiet_end)
            select @p || n, array[@area], @interests, @email, @sms, @lang, @qs, @qe from generate_series(1, @count) n
            """, conn);
        cmd.Parameters.AddWithValue("p", prefix);
        cmd.Parameters.AddWithValue("count", count);
        cmd.Parameters.AddWithValue("area", area);
        cmd.Parameters.AddWithValue("interests", interests);
        cmd.Parameters.AddWithValue("email", email);
        cmd.Parameters.AddWithValue("sms", sms);
        cmd.Parameters.AddWithValue("lang", language);
        cmd.Parameters.AddWithValue("qs", (object?)quiet?.Start ?? DBNull.Value);
        cmd.Parameters.AddWithValue("qe", (object?)quiet?.End ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync();
    }

    public static object Alert(string area, string subject = "Bogus callers in the area", string priority = "routine", string[]? interests = null, bool kin = false,
        object? translations = null) => new
    {
        type = "warn-and-inform",
        priority,
        audience = new { areas = new[] { area }, interests = interests ?? ["scams"], residents = true, kin },
        subject,
        body = "People claiming to be from the water board have been calling at homes. Ask for ID and call 101 if unsure.",
        translations,
    };

    public static async Task<JsonObject> WaitForStatusAsync(HttpClient staff, string location, string status) =>
        await TestInfrastructure.EventuallyAsync(async () => (await staff.GetFromJsonAsync<JsonObject>(location))!,
            s => s["status"]!.GetValue<string>() == status, TimeSpan.FromSeconds(30), $"the alert to be {status}");
}

public sealed class AlertTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private HttpClient Comms(string sub = "comms-1") => f.As(Roles.Communications, sub);

    [Fact]
    public async Task a_routine_alert_goes_out_and_completes_with_one_in_app_message_each_in_their_language()
    {
        await Audiences.SeedAsync(f, "clifton-", 40, "clifton-east", ["scams"]);
        await Audiences.SeedAsync(f, "clifton-cy-", 3, "clifton-east", ["scams"], language: "cy");
        await Audiences.SeedAsync(f, "clifton-other-", 5, "clifton-east", ["burglary"]);
        using var comms = Comms();

        var response = await comms.PostAsJsonAsync("/api/messaging/alerts",
            Audiences.Alert("clifton-east", translations: new { cy = new { subject = "Galwyr ffug", body = "Mae pobl yn honni eu bod o'r bwrdd dŵr." } }));
        var accepted = await response.BodyAsync();
        var done = await Audiences.WaitForStatusAsync(comms, response.Headers.Location!.ToString(), "completed");
        var id = accepted["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(43, done["targeted"]!.GetValue<int>());
        Assert.Equal(43, done["counts"]!["delivered"]!["in-app"]!.GetValue<int>());
        Assert.Equal(0, done["counts"]!["pending"]!.GetValue<int>());
        Assert.Equal(43L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where alert_id = @a", ("a", Guid.Parse(id))));
        var welsh = await f.ScalarAsync<string>("select subject from messaging.inbox_messages where alert_id = @a and subscriber_id = 'clifton-cy-1'", ("a", Guid.Parse(id)));
        Assert.Equal("Galwyr ffug / Bogus callers in the area", welsh);
        Assert.Equal(0L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where subscriber_id like 'clifton-other-%'"));
    }

    [Fact]
    public async Task preview_counts_channels_fatigue_quiet_hours_and_sms_segments()
    {
        var local = London.Show(f.Clock.GetUtcNow()).TimeOfDay;
        await Audiences.SeedAsync(f, "lenton-e-", 4, "lenton-wollaton-east", ["burglary"], email: true);
        await Audiences.SeedAsync(f, "lenton-s-", 3, "lenton-wollaton-east", ["burglary"], sms: true);
        await Audiences.SeedAsync(f, "lenton-q-", 2, "lenton-wollaton-east", ["burglary"], email: true, quiet: (local - TimeSpan.FromMinutes(30), local + TimeSpan.FromMinutes(30)));
        await Audiences.SeedAsync(f, "lenton-t-", 2, "lenton-wollaton-east", ["burglary"], sms: true);
        await f.ScalarAsync<int>("insert into messaging.fatigue (subscriber_id, sends) select subscriber_id, array[now(), now(), now()] from messaging.subscribers where subscriber_id like 'lenton-t-%' returning 1");
        using var comms = Comms();

        var routine = await (await comms.PostAsJsonAsync("/api/messaging/alerts/preview", Audiences.Alert("lenton-wollaton-east", interests: ["burglary"]))).BodyAsync();
        var urgent = await (await comms.PostAsJsonAsync("/api/messaging/alerts/preview", Audiences.Alert("lenton-wollaton-east", priority: "urgent", interests: ["burglary"]))).BodyAsync();
        var welsh = await (await comms.PostAsJsonAsync("/api/messaging/alerts/preview", Audiences.Alert("lenton-wollaton-east", interests: ["burglary"],
            translations: new { cy = new { subject = "Lladradau", body = new string('ŵ', 200) } }))).BodyAsync();

        Assert.Equal(11, routine["recipients"]!.GetValue<int>());
        Assert.Equal(11, routine["byChannel"]!["inApp"]!.GetValue<int>());
        Assert.Equal(6, routine["byChannel"]!["email"]!.GetValue<int>());
        Assert.Equal(5, routine["byChannel"]!["sms"]!.GetValue<int>());
        Assert.Equal(2, routine["overFatigueBudget"]!.GetValue<int>());
        Assert.Equal(2, routine["inQuietHours"]!.GetValue<int>());
        Assert.False(routine["requiresApproval"]!.GetValue<bool>());
        Assert.Equal(0, urgent["overFatigueBudget"]!.GetValue<int>());
        Assert.True(urgent["requiresApproval"]!.GetValue<bool>());
        Assert.True(routine["smsSegments"]!.GetValue<int>() >= 2);
        Assert.True(welsh["smsSegmentsByLanguage"]!["cy"]!.GetValue<int>() >= 5, "UCS-2 text needs more, shorter segments");
    }

    [Fact]
    public async Task an_urgent_alert_waits_for_a_different_person_to_approve_it()
    {
        await Audiences.SeedAsync(f, "radford-", 5, "radford", ["scams"]);
        using var author = Comms("comms-author");
        using var other = Comms("comms-approver");
        var response = await author.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("radford", priority: "urgent"));
        var location = response.Headers.Location!.ToString();
        var id = (await response.BodyAsync())["id"]!.GetValue<string>();

        var waiting = (await author.GetFromJsonAsync<JsonObject>(location))!;
        var selfApproval = await author.PostAsync($"/api/messaging/alerts/{id}/approve", null);
        var neighbourhood = await f.As(Roles.Neighbourhood, "pcso-1").PostAsync($"/api/messaging/alerts/{id}/approve", null);
        Assert.Equal(0L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where alert_id = @a", ("a", Guid.Parse(id))));
        var approved = await other.PostAsync($"/api/messaging/alerts/{id}/approve", null);
        var done = await Audiences.WaitForStatusAsync(author, location, "completed");

        Assert.Equal("awaiting-approval", waiting["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, selfApproval.StatusCode);
        Assert.EndsWith("/own-alert", (await selfApproval.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, neighbourhood.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        Assert.Equal("comms-approver", done["approvedBy"]!.GetValue<string>());
        Assert.Equal(5, done["counts"]!["delivered"]!["in-app"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, (await other.PostAsync($"/api/messaging/alerts/{id}/approve", null)).StatusCode);
    }

    [Fact]
    public async Task the_approval_queue_lists_alerts_awaiting_approval_oldest_first_until_approved_or_cancelled()
    {
        await Audiences.SeedAsync(f, "sherwood-", 2, "sherwood", ["scams"]);
        using var author = Comms("comms-queue");
        async Task<Guid> Send(string subject, string priority) =>
            (await (await author.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("sherwood", subject, priority,
                translations: new { cy = new { subject = "Galwyr ffug", body = "Gofynnwch am gerdyn adnabod." } }))).BodyAsync()).Id();
        var first = await Send("Queue first", "urgent");
        var second = await Send("Queue second", "urgent");
        var cancelled = await Send("Queue cancelled", "urgent");
        var routine = await Send("Queue routine", "routine");
        await author.PostAsync($"/api/messaging/alerts/{cancelled}/cancel", null);

        async Task<List<JsonObject>> Queue(HttpClient client) =>
            (await client.GetFromJsonAsync<JsonArray>("/api/messaging/alerts/awaiting-approval"))!.Select(n => n!.AsObject())
                .Where(a => a.Id() == first || a.Id() == second || a.Id() == cancelled || a.Id() == routine).ToList();
        var before = await Queue(Comms("comms-approver-2"));
        await Comms("comms-approver-2").PostAsync($"/api/messaging/alerts/{first}/approve", null);
        var after = await Queue(author);
        using var neighbourhood = f.As(Roles.Neighbourhood, "pcso-queue");
        using var resident = f.Resident("resident-queue");

        Assert.Equal([first, second], before.Select(a => a.Id()));
        Assert.Equal("Queue first", before[0]["subject"]!.GetValue<string>());
        Assert.Equal("urgent", before[0]["priority"]!.GetValue<string>());
        Assert.Equal("comms-queue", before[0]["requestedBy"]!.GetValue<string>());
        Assert.Equal(2, before[0]["targeted"]!.GetValue<int>());
        Assert.Equal("sherwood", before[0]["audience"]!["areas"]![0]!.GetValue<string>());
        Assert.Equal("cy", before[0]["languages"]![0]!.GetValue<string>());
        Assert.Equal([second], after.Select(a => a.Id()));
        Assert.Equal(HttpStatusCode.Forbidden, (await neighbourhood.GetAsync("/api/messaging/alerts/awaiting-approval")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAsync("/api/messaging/alerts/awaiting-approval")).StatusCode);
    }

    [Fact]
    public async Task cancelling_an_alert_awaiting_approval_sends_nothing()
    {
        await Audiences.SeedAsync(f, "mapperley-", 3, "mapperley", ["scams"]);
        using var comms = Comms();
        var response = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("mapperley", priority: "urgent"));
        var id = (await response.BodyAsync())["id"]!.GetValue<string>();

        var cancelled = await (await comms.PostAsync($"/api/messaging/alerts/{id}/cancel", null)).BodyAsync();
        var approveAfter = await Comms("comms-2").PostAsync($"/api/messaging/alerts/{id}/approve", null);

        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, approveAfter.StatusCode);
        Assert.Equal(0L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where alert_id = @a", ("a", Guid.Parse(id))));
    }

    [Fact]
    public async Task an_audience_that_resolves_to_nobody_is_refused_and_nothing_is_recorded()
    {
        using var comms = Comms();
        var response = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("east-leake", interests: ["missing-people"]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.EndsWith("/audience-empty", (await response.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadAlerts => new()
    {
        { """{"type":"gossip","priority":"routine","audience":{"areas":["bulwell"]},"subject":"s","body":"b"}""", "type" },
        { """{"type":"appeal","priority":"whenever","audience":{"areas":["bulwell"]},"subject":"s","body":"b"}""", "priority" },
        { """{"type":"appeal","priority":"routine","audience":{"areas":["atlantis"]},"subject":"s","body":"b"}""", "audience.areas" },
        { """{"type":"appeal","priority":"routine","audience":{"areas":["bulwell"],"interests":["gardening"]},"subject":"s","body":"b"}""", "audience.interests" },
        { """{"type":"appeal","priority":"routine","audience":{"areas":["bulwell"]},"subject":"","body":"b"}""", "subject" },
        { """{"type":"appeal","priority":"routine","audience":{"areas":["bulwell"]},"subject":"s","body":""}""", "body" },
        { """{"type":"appeal","priority":"routine","audience":{"areas":["bulwell"]},"subject":"s","body":"LONG"}""", "body" },
        { """{"type":"appeal","priority":"routine","audience":{"areas":["bulwell"]},"subject":"s","body":"b","translations":{"welsh":{"subject":"a","body":"b"}}}""", "translations.welsh" },
        { """{"type":"appeal","priority":"routine","audience":{"areas":["bulwell"],"residents":false,"kin":false},"subject":"s","body":"b"}""", "audience" },
    };

    [Theory]
    [MemberData(nameof(BadAlerts))]
    public async Task bad_alert_input_is_a_400_naming_the_field(string json, string field)
    {
        using var comms = Comms();
        using var content = new StringContent(json.Replace("LONG", new string('x', 2001), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
        var response = await comms.PostAsync("/api/messaging/alerts", content);
        var problem = await response.BodyAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task neighbourhood_staff_alert_only_their_own_areas()
    {
        await Audiences.SeedAsync(f, "aspley-", 2, "aspley", ["scams"]);
        using var aspleyTeam = f.As(Roles.Neighbourhood, "pcso-aspley", "aspley");
        Assert.Equal(HttpStatusCode.Accepted, (await aspleyTeam.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("aspley"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await aspleyTeam.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("bulwell"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await f.Resident("r1").PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("aspley"))).StatusCode);
    }

    [Fact]
    public async Task neighbourhood_staff_whose_token_names_no_area_alert_nowhere()
    {
        await Audiences.SeedAsync(f, "noarea-", 1, "clifton-east", ["scams"]);
        using var team = f.WithoutArea(Roles.Neighbourhood, "pcso-no-area");

        using var preview = await team.PostAsJsonAsync("/api/messaging/alerts/preview", Audiences.Alert("clifton-east"));
        using var send = await team.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("clifton-east"));

        Assert.Equal(HttpStatusCode.Forbidden, preview.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, send.StatusCode);
        Assert.EndsWith("/outside-your-areas", (await send.BodyAsync())["type"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task alert_sent_and_completed_are_published_once_with_counts_and_a_redelivered_batch_changes_nothing()
    {
        await Audiences.SeedAsync(f, "dales-", 7, "dales", ["scams"]);
        using var comms = Comms();
        var response = await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("dales"));
        var id = Guid.Parse((await response.BodyAsync())["id"]!.GetValue<string>());
        await Audiences.WaitForStatusAsync(comms, response.Headers.Location!.ToString(), "completed");
        await TestInfrastructure.EventuallyAsync(() => Task.FromResult(f.Published.Of<C.AlertCompleted>().Count(e => e.AlertId == id)), n => n >= 1, what: "AlertCompleted");

        var sent = Assert.Single(f.Published.Of<C.AlertSent>(), e => e.AlertId == id);
        var completed = Assert.Single(f.Published.Of<C.AlertCompleted>(), e => e.AlertId == id);
        Assert.Equal(7, sent.Targeted);
        Assert.Equal(["dales"], sent.AreaCodes);
        Assert.Equal(7, completed.Delivered);
        Assert.Equal(7, completed.DeliveredByChannel["in-app"]);

        // The same batch again, as RabbitMQ would redeliver it after a crash: it finds itself done and does nothing.
        await f.PublishAsync(new DeliverAlertBatch(id, 0));
        await TestInfrastructure.EventuallyAsync(() => QueueIsDrainedAsync("deliver-alert-batch"), drained => drained, TimeSpan.FromSeconds(30), "the redelivered batch to be consumed");
        Assert.Equal(7L, await f.ScalarAsync<long>("select count(*) from messaging.inbox_messages where alert_id = @a", ("a", id)));
        Assert.Equal(7L, await f.ScalarAsync<long>("select sum(count)::bigint from messaging.alert_counters where alert_id = @a", ("a", id)));
        Assert.Equal(1, await f.ScalarAsync<int>("select batches_done from messaging.alert_progress where alert_id = @a", ("a", id)));
    }

    private async Task<bool> QueueIsDrainedAsync(string queue)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://{TestInfrastructure.RabbitHost}:15672/api/") };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("engage:engage"u8.ToArray()));
        var q = await client.GetFromJsonAsync<JsonObject>($"queues/{Uri.EscapeDataString(f.VirtualHost)}/{queue}");
        return q?["messages"]?.GetValue<long>() == 0 && q["message_stats"]?["ack"]?.GetValue<long>() >= 2;
    }
}

public sealed class SmallThresholdFixture : MessagingFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Messaging:ApprovalThreshold"] = "5";
    }
}

public sealed class ApprovalThresholdTests(SmallThresholdFixture f) : IClassFixture<SmallThresholdFixture>
{
    [Fact]
    public async Task a_routine_alert_to_more_than_the_threshold_waits_for_approval()
    {
        await Audiences.SeedAsync(f, "berridge-", 6, "berridge", ["scams"]);
        await Audiences.SeedAsync(f, "basford-", 5, "basford", ["scams"]);
        using var comms = f.As(Roles.Communications, "comms-1");

        var big = await (await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("berridge"))).BodyAsync();
        var small = await (await comms.PostAsJsonAsync("/api/messaging/alerts", Audiences.Alert("basford"))).BodyAsync();

        Assert.Equal("awaiting-approval", big["status"]!.GetValue<string>());
        Assert.Equal("sending", small["status"]!.GetValue<string>());
    }
}
