using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Engagement.MartenAdditions;
using Engagement.Messaging.Inbox;
using Engagement.Messaging.Subscriptions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Engagement.Testing;
using static Engagement.Messaging.Tests.SubscriptionTestKit;
using C = Engagement.Contracts;

namespace Engagement.Messaging.Tests;

public sealed class SubscriptionTests(MessagingFixture f) : IClassFixture<MessagingFixture>
{
    private IDocumentStore Store => f.Service.Services.GetRequiredService<IDocumentStore>();

    private EventStoreSettings Settings => f.Service.Services.GetRequiredService<EventStoreSettings>();

    [Fact]
    public async Task subscribing_by_postcode_resolves_the_area_from_its_postcode_sector()
    {
        var sub = NewSub("pc");
        using var me = f.Resident(sub);

        var response = await PutMe(me, Body(postcode: "ng6 8ab", interests: ["burglary", "road-safety"]));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/messaging/subscriptions/me", response.Headers.Location?.OriginalString);
        var view = await Json(response);
        Assert.Equal("NG6 8AB", Str(view["postcode"]));
        Assert.Equal("bulwell", Str(view["postcodeArea"]));
        Assert.Equal(["bulwell"], Strings(view["alertAreas"]));
        Assert.Empty(Strings(view["areas"]));
        Assert.True(view["channels"]!["inApp"]!.GetValue<bool>());
        Assert.Equal("en", Str(view["language"]));
        Assert.Equal(["bulwell"], await Scalar<string[]>(f, "select area_codes from messaging.subscribers where subscriber_id = @s", sub));
        Assert.Equal(["burglary", "road-safety"], await Scalar<string[]>(f, "select interests from messaging.subscribers where subscriber_id = @s", sub));
        Assert.True(await Scalar<bool>(f, "select active from messaging.subscribers where subscriber_id = @s", sub));
        Assert.Equal("collect", await Scalar<string>(f, "select action from messaging.audit_log where subject_id = @s order by id limit 1", sub));
    }

    [Fact]
    public async Task subscribing_by_areas_targets_those_areas_and_a_second_put_replaces_the_whole_subscription()
    {
        var sub = NewSub("areas");
        using var me = f.Resident(sub);

        var first = await PutMe(me, Body(areas: ["Bulwell", "basford", "bulwell"], language: "PL", quiet: ("22:30", "06:45")));
        var second = await PutMe(me, Body(postcode: "NG1 5AB", areas: ["meadows"], interests: ["fraud"]));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstView = await Json(first);
        Assert.Equal(["bulwell", "basford"], Strings(firstView["areas"]));
        Assert.Equal("pl", Str(firstView["language"]));
        Assert.Equal("22:30", Str(firstView["quietHours"]!["start"]));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var view = await Json(second);
        Assert.Equal("castle", Str(view["postcodeArea"]));
        Assert.Equal(["castle", "meadows"], Strings(view["alertAreas"]));
        Assert.Null(view["quietHours"]);
        Assert.Equal("en", Str(view["language"]));
        Assert.Equal(["castle", "meadows"], await Scalar<string[]>(f, "select area_codes from messaging.subscribers where subscriber_id = @s", sub));
        Assert.Equal(["fraud"], await Scalar<string[]>(f, "select interests from messaging.subscribers where subscriber_id = @s", sub));
        Assert.Equal(0L, await Scalar<long>(f, "select count(*) from messaging.subscribers where subscriber_id = @s and quiet_start is not null", sub));
        Assert.Equal(["collect", "change"], await Scalar<string[]>(f, "select array_agg(action order by id) from messaging.audit_log where subject_id = @s", sub));
    }

    [Fact]
    public async Task a_signed_in_resident_unsubscribes_from_everything_keeps_their_choices_and_can_subscribe_again()
    {
        var sub = NewSub("unsub");
        using var me = f.Resident(sub);
        using var stranger = f.Resident(NewSub("stranger"));
        await PutMe(me, Body(areas: ["bulwell"], interests: ["burglary"]));

        var response = await me.PostAsync("/api/messaging/subscriptions/me/unsubscribe", null);
        var view = await Json(response);
        var activeAfter = await Scalar<bool>(f, "select active from messaging.subscribers where subscriber_id = @s", sub);
        var again = await PutMe(me, Body(areas: ["bulwell"], interests: ["burglary"]));
        var notSubscribed = await stranger.PostAsync("/api/messaging/subscriptions/me/unsubscribe", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(view["active"]!.GetValue<bool>());
        Assert.Equal(["burglary"], Strings(view["interests"]));
        Assert.False(activeAfter);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True(await Scalar<bool>(f, "select active from messaging.subscribers where subscriber_id = @s", sub));
        Assert.Equal(HttpStatusCode.NotFound, notSubscribed.StatusCode);
        Assert.Equal(["collect", "change", "change"], await Scalar<string[]>(f, "select array_agg(action order by id) from messaging.audit_log where subject_id = @s and action <> 'consult'", sub));
    }

    [Fact]
    public async Task quiet_hours_wrapping_midnight_are_kept_in_the_targeting_table()
    {
        var sub = NewSub("quiet");
        using var me = f.Resident(sub);

        (await PutMe(me, Body(areas: ["bulwell"], quiet: ("22:00", "07:00")))).EnsureSuccessStatusCode();

        Assert.Equal(new TimeOnly(22, 0), await Scalar<TimeOnly>(f, "select quiet_start from messaging.subscribers where subscriber_id = @s", sub));
        Assert.Equal(new TimeOnly(7, 0), await Scalar<TimeOnly>(f, "select quiet_end from messaging.subscribers where subscriber_id = @s", sub));
    }

    [Fact]
    public async Task any_iso_639_1_language_is_kept_for_the_targeting_table()
    {
        var sub = NewSub("lang");
        using var me = f.Resident(sub);

        var view = await Json(await PutMe(me, Body(areas: ["bulwell"], language: "NE")));

        Assert.Equal("ne", Str(view["language"]));
        Assert.Equal("ne", await Scalar<string>(f, "select language from messaging.subscribers where subscriber_id = @s", sub));
    }

    [Fact]
    public async Task a_link_followed_while_the_resident_saves_loses_neither_change_and_the_table_agrees()
    {
        var links = f.Service.Services.GetRequiredService<LinkTokens>();
        for (var round = 0; round < 5; round++)
        {
            var sub = NewSub("race");
            using var me = f.Resident(sub);
            (await PutMe(me, Body(areas: ["bulwell"], phone: "07700 900111"))).EnsureSuccessStatusCode();
            var stop = new Uri(links.UnsubscribeUrl(sub, "sms")).PathAndQuery;

            // Both decide against version 1; whichever commits second finds the stream moved and decides again.
            var results = await Task.WhenAll(PutMe(me, Body(areas: ["meadows"], phone: "07700 900111")), f.Anonymous().PostAsync(stop, null));

            Assert.All(results, r => Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}"));
            var view = await Json(await me.GetAsync("/api/messaging/subscriptions/me"));
            var events = (await f.StreamAsync(ResidentSubscription.StreamId(sub))).Select(e => e.Data).ToList();
            Assert.Equal(["meadows"], Strings(view["areas"]));
            Assert.Single(events.OfType<ChannelUnsubscribed>(), e => e is { Channel: "sms", Via: "link" });
            // Either order is a right answer (a PUT that names the number after the link stopped it starts it again);
            // what must hold is that the targeting table says what the subscription says.
            Assert.Equal(events[^1] is PhoneNumberGiven, view["channels"]!["sms"] is not null);
            Assert.Equal(["meadows"], await Scalar<string[]>(f, "select area_codes from messaging.subscribers where subscriber_id = @s", sub));
            Assert.Equal(view["channels"]!["sms"] is not null, await Scalar<bool>(f, "select sms_enabled from messaging.subscribers where subscriber_id = @s", sub));
            Assert.Equal(view["version"]!.GetValue<long>(), await Scalar<long>(f, "select count(*) from messaging.mt_events where stream_id = 'subscription-' || @s", sub));
        }
    }

    [Fact]
    public async Task get_me_shows_the_subscription_with_its_etag_and_the_read_is_audited()
    {
        var sub = NewSub("get");
        using var me = f.Resident(sub);
        var email = $"{sub}@example.com";
        (await PutMe(me, Body(postcode: "NG7 2RD", email: email, phone: "07700 900123"))).EnsureSuccessStatusCode();

        var response = await me.GetAsync("/api/messaging/subscriptions/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await Json(response);
        Assert.Equal($"\"{view["version"]}\"", response.Headers.ETag?.Tag);
        Assert.Equal(sub, Str(view["subscriberId"]));
        Assert.Equal("lenton-wollaton-east", Str(view["postcodeArea"]));
        Assert.Equal(email, Str(view["channels"]!["email"]!["address"]));
        Assert.False(view["channels"]!["email"]!["verified"]!.GetValue<bool>());
        Assert.Equal("+447700900123", Str(view["channels"]!["sms"]!["number"]));
        var consult = await Scalar<string>(f, "select detail::text from messaging.audit_log where subject_id = @s and action = 'consult'", sub);
        Assert.Contains("email", consult, StringComparison.Ordinal);
        Assert.DoesNotContain(email, consult, StringComparison.Ordinal);
        Assert.True(await Scalar<bool>(f, "select sms_enabled from messaging.subscribers where subscriber_id = @s", sub));
        Assert.False(await Scalar<bool>(f, "select email_verified from messaging.subscribers where subscriber_id = @s", sub));
    }

    [Fact]
    public async Task get_me_before_subscribing_is_404_and_each_resident_sees_only_their_own()
    {
        var alice = NewSub("alice");
        using var a = f.Resident(alice);
        using var b = f.Resident(NewSub("bob"));
        (await PutMe(a, Body(areas: ["bulwell"], email: $"{alice}@example.com"))).EnsureSuccessStatusCode();

        var bobs = await b.GetAsync("/api/messaging/subscriptions/me");

        Assert.Equal(HttpStatusCode.NotFound, bobs.StatusCode);
        Assert.Equal("application/problem+json", bobs.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(alice, await bobs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, string, string> BadInput => new()
    {
        // case, body (null = no body at all), field named, words the message must contain
        { "no body", null, "body", "Required" },
        { "an empty body with a JSON content type", "", "body", "Required" },
        { "an empty object", "{}", "areas", "postcode" },
        { "invalid postcode", """{"postcode":"NOT A CODE","interests":["asb"]}""", "postcode", "valid UK postcode" },
        { "postcode outside every area", """{"postcode":"NG10 1AA","interests":["asb"]}""", "postcode", "outside every" },
        { "unknown area", """{"areas":["atlantis"],"interests":["asb"]}""", "areas", "atlantis" },
        { "no postcode and no areas", """{"interests":["asb"]}""", "areas", "postcode" },
        { "invalid email", """{"areas":["bulwell"],"interests":["asb"],"email":"not-an-email"}""", "email", "email address" },
        { "email with two at signs", """{"areas":["bulwell"],"interests":["asb"],"email":"a@b@example.com"}""", "email", "email address" },
        { "landline, not a mobile", """{"areas":["bulwell"],"interests":["asb"],"phone":"0115 967 0999"}""", "phone", "UK mobile" },
        { "not a phone number", """{"areas":["bulwell"],"interests":["asb"],"phone":"12345"}""", "phone", "UK mobile" },
        { "unknown interest", """{"areas":["bulwell"],"interests":["asb","aliens"]}""", "interests", "aliens" },
        { "no interests", """{"areas":["bulwell"],"interests":[]}""", "interests", "burglary" },
        { "quiet hours out of range", """{"areas":["bulwell"],"interests":["asb"],"quietHours":{"start":"25:00","end":"07:00"}}""", "quietHours.start", "HH:mm" },
        { "quiet hours not HH:mm", """{"areas":["bulwell"],"interests":["asb"],"quietHours":{"start":"22:00","end":"7am"}}""", "quietHours.end", "HH:mm" },
        { "quiet hours without an end", """{"areas":["bulwell"],"interests":["asb"],"quietHours":{"start":"22:00"}}""", "quietHours.end", "HH:mm" },
        { "quiet hours of no length", """{"areas":["bulwell"],"interests":["asb"],"quietHours":{"start":"22:00","end":"22:00"}}""", "quietHours", "differ" },
        { "unknown language", """{"areas":["bulwell"],"interests":["asb"],"language":"xx"}""", "language", "ISO 639-1" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task bad_input_is_a_400_problem_naming_the_field_and_saves_nothing(string name, string? body, string field, string says)
    {
        var sub = NewSub("bad");
        using var me = f.Resident(sub);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/messaging/subscriptions/me");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await me.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.EndsWith("/validation", Str(problem["type"]), StringComparison.Ordinal);
        var messages = Strings(problem["errors"]![field]);
        Assert.Contains(messages, m => m.Contains(says, StringComparison.Ordinal));
        Assert.Equal(0L, await Scalar<long>(f, "select count(*) from messaging.subscribers where subscriber_id = @s", sub));
        Assert.Equal(0L, await Scalar<long>(f, "select count(*) from messaging.mt_events where stream_id = 'subscription-' || @s", sub));
        Assert.Equal(HttpStatusCode.NotFound, (await me.GetAsync("/api/messaging/subscriptions/me")).StatusCode);
    }

    [Fact]
    public async Task every_broken_rule_is_reported_at_once()
    {
        using var me = f.Resident(NewSub("many"));

        var response = await PutMe(me, JsonNode.Parse("""{"postcode":"ZZ","interests":["x"],"email":"@","phone":"1","language":"??"}""")!);

        var errors = (await Json(response))["errors"]!.AsObject();
        Assert.Equal(["email", "interests", "language", "phone", "postcode"], errors.Select(e => e.Key).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task bad_input_leaves_an_existing_subscription_exactly_as_it_was()
    {
        var sub = NewSub("keep");
        using var me = f.Resident(sub);
        (await PutMe(me, Body(areas: ["bulwell"], phone: "07700 900456"))).EnsureSuccessStatusCode();
        var before = await Json(await me.GetAsync("/api/messaging/subscriptions/me"));

        var bad = await PutMe(me, Body(areas: ["meadows"], phone: "07700 900456", email: "not-an-email"));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var after = await Json(await me.GetAsync("/api/messaging/subscriptions/me"));
        Assert.Equal(before["version"]!.GetValue<long>(), after["version"]!.GetValue<long>());
        Assert.Equal(["bulwell"], Strings(after["areas"]));
        Assert.Equal(["bulwell"], await Scalar<string[]>(f, "select area_codes from messaging.subscribers where subscriber_id = @s", sub));
    }

    [Fact]
    public async Task a_stale_if_match_is_412_and_the_current_one_is_accepted()
    {
        var sub = NewSub("etag");
        using var me = f.Resident(sub);
        var created = await PutMe(me, Body(areas: ["bulwell"]));
        var etag = created.Headers.ETag!.Tag;
        (await PutMe(me, Body(areas: ["basford"]))).EnsureSuccessStatusCode();

        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/messaging/subscriptions/me") { Content = JsonContent.Create(Body(areas: ["meadows"])) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        var staleResponse = await me.SendAsync(stale);
        var current = (await me.GetAsync("/api/messaging/subscriptions/me")).Headers.ETag!;
        using var fresh = new HttpRequestMessage(HttpMethod.Put, "/api/messaging/subscriptions/me") { Content = JsonContent.Create(Body(areas: ["meadows"])) };
        fresh.Headers.IfMatch.Add(current);
        var freshResponse = await me.SendAsync(fresh);

        Assert.Equal(HttpStatusCode.PreconditionFailed, staleResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, freshResponse.StatusCode);
        Assert.Equal(["meadows"], Strings((await Json(freshResponse))["areas"]));
    }

    [Fact]
    public async Task putting_the_same_subscription_again_changes_nothing()
    {
        var sub = NewSub("same");
        using var me = f.Resident(sub);
        var first = await Json(await PutMe(me, Body(areas: ["bulwell"], phone: "07700 900789")));

        var again = await PutMe(me, Body(areas: ["bulwell"], phone: "+44 7700 900789"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first["version"]!.GetValue<long>(), (await Json(again))["version"]!.GetValue<long>());
        Assert.Equal(1L, await Scalar<long>(f, "select count(*) from messaging.audit_log where subject_id = @s and action in ('collect', 'change')", sub));
        Assert.Single(f.Sms.Sent, s => s.To == "+447700900789");
    }

    [Fact]
    public async Task a_new_mobile_number_gets_a_confirmation_text_with_an_unsubscribe_link_and_leaving_it_out_forgets_it()
    {
        var sub = NewSub("sms");
        using var me = f.Resident(sub);
        var number = "+4479" + Random.Shared.NextInt64(10_000_000, 99_999_999);

        var put = await Json(await PutMe(me, Body(areas: ["bulwell"], phone: "0" + number[3..])));
        var text = f.Sms.Sent.Single(s => s.To == number).Body;
        var dropped = await Json(await PutMe(me, Body(areas: ["bulwell"])));

        Assert.Equal("sent", Str(put["smsConfirmation"]));
        Assert.Contains("/api/messaging/unsubscribe?token=", text, StringComparison.Ordinal);
        Assert.Null(dropped["channels"]!["sms"]);
        Assert.False(await Scalar<bool>(f, "select sms_enabled from messaging.subscribers where subscriber_id = @s", sub));
    }

    [Fact]
    public async Task contact_details_are_never_stored_in_plain_text()
    {
        var sub = NewSub("plain");
        using var me = f.Resident(sub);
        var email = $"{sub}@example.com";
        var phone = "+4478" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var postcode = "NG8 5" + RandomInward();

        (await PutMe(me, Body(postcode: postcode, email: email, phone: phone))).EnsureSuccessStatusCode();

        var view = await Json(await me.GetAsync("/api/messaging/subscriptions/me"));
        Assert.Equal(email, Str(view["channels"]!["email"]!["address"]));
        foreach (var value in new[] { email, phone, phone[3..], postcode })
        {
            Assert.Equal(0L, await PlaintextRowsAsync(value));
        }

        var contacts = await SubscriberContacts.LoadAsync(Store, [sub, "nobody-" + sub], CancellationToken.None);
        Assert.Equal(new SubscriberContact(sub, email, false, phone, "en"), Assert.Single(contacts).Value);
    }

    [Fact]
    public async Task erasure_shreds_every_personal_field_and_deletes_the_residents_rows()
    {
        var sub = NewSub("erase");
        using var me = f.Resident(sub);
        var email = $"{sub}@example.com";
        var phone = "+4477" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var postcode = "NG6 8" + RandomInward();
        (await PutMe(me, Body(postcode: postcode, email: email, phone: phone, language: "ur"))).EnsureSuccessStatusCode();
        var mail = (await MailsTo(f, email)).Single();
        (await f.Anonymous().GetAsync(VerifyPath(mail.Text))).EnsureSuccessStatusCode();
        await using (var conn = await Settings.DataSource.OpenConnectionAsync())
        {
            await InboxWriter.AddAsync(conn, "messaging", new InboxItem(Guid.NewGuid(), sub, Guid.NewGuid(), "alert:test", "Burglaries on your street", "Lock up.", "en"), default);
        }

        await f.ScalarAsync<int>("insert into messaging.deliveries (alert_id, recipient_id, channel, status) values (gen_random_uuid(), @s, 'email', 'delivered') returning 1", ("s", sub));
        await f.ScalarAsync<int>("insert into messaging.fatigue (subscriber_id, sends) values (@s, array[now()]) returning 1", ("s", sub));
        var before = await f.StreamAsync(ResidentSubscription.StreamId(sub));
        Assert.Equal(email, before.Select(e => e.Data).OfType<EmailAddressGiven>().Single().Email);

        var erased = await me.DeleteAsync("/api/messaging/subscriptions/me");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await me.GetAsync("/api/messaging/subscriptions/me")).StatusCode);
        foreach (var value in new[] { email, phone, phone[3..], postcode })
        {
            Assert.Equal(0L, await PlaintextRowsAsync(value));
        }

        foreach (var table in new[] { "subscribers", "inbox_messages", "fatigue" })
        {
            Assert.Equal(0L, await Scalar<long>(f, $"select count(*) from messaging.{table} where subscriber_id = @s", sub));
        }

        Assert.Equal(0L, await Scalar<long>(f, "select count(*) from messaging.deliveries where recipient_id = @s", sub));
        Assert.Equal(0L, await Scalar<long>(f, "select count(*) from messaging.mt_doc_subject_key where id like 'subscriber:' || @s || '%' and data->>'key' is not null", sub));
        Assert.Equal(0L, await Scalar<long>(f, "select count(*) from messaging.mt_doc_resident_subscription where id = 'subscription-' || @s and data->>'personalDataSubject' is not null", sub));

        // The history is intact, and every personal field in it now reads back as null.
        var after = await f.StreamAsync(ResidentSubscription.StreamId(sub));
        Assert.Equal(before.Count + 1, after.Count);
        Assert.IsType<SubscriberErased>(after[^1].Data);
        Assert.All(after.Select(e => e.Data).OfType<SubscriptionSet>(), e => Assert.True(e.Postcode is null && e.Areas is null && e.Language is null));
        Assert.All(after.Select(e => e.Data).OfType<EmailAddressGiven>(), e => Assert.Null(e.Email));
        Assert.All(after.Select(e => e.Data).OfType<PhoneNumberGiven>(), e => Assert.Null(e.Phone));
        Assert.Empty(await SubscriberContacts.LoadAsync(Store, [sub], CancellationToken.None));
        Assert.Equal("erase", await Scalar<string>(f, "select action from messaging.audit_log where subject_id = @s order by id desc limit 1", sub));

        // Every other service that holds the resident's data hears of it: ResidentErased, through the relay, with no personal data.
        var published = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(f.Published.Messages.Where(m => m.Message is C.ResidentErased r && r.ResidentId == sub).ToList()),
            m => m.Count > 0, what: "ResidentErased to be published");
        var message = Assert.Single(published);
        Assert.Equal(after[^1].Id, message.MessageId);
        Assert.Equal(sub, ((C.ResidentErased)message.Message).ErasedBy);
        Assert.DoesNotContain(email, message.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_administrator_erases_a_resident_who_asked_by_other_means_and_every_service_hears_of_it()
    {
        var sub = NewSub("byadmin");
        var email = $"{sub}@example.com";
        using var me = f.Resident(sub);
        (await PutMe(me, Body(areas: ["bulwell"], email: email))).EnsureSuccessStatusCode();
        using var admin = f.As(Engagement.ServiceDefaults.Roles.Admin, "admin-dpo");
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/messaging/subscriptions/{sub}");
        request.Headers.Add("X-Access-Reason", "erasure request received by letter");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendAsync(request)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await me.GetAsync("/api/messaging/subscriptions/me")).StatusCode);
        Assert.Equal(0L, await PlaintextRowsAsync(email));
        Assert.Equal("admin-dpo", await Scalar<string>(f, "select actor from messaging.audit_log where subject_id = @s and action = 'erase'", sub));
        Assert.Equal("erasure request received by letter", await Scalar<string>(f, "select reason from messaging.audit_log where subject_id = @s and action = 'erase'", sub));
        var published = await TestInfrastructure.EventuallyAsync(() => Task.FromResult(f.Published.Of<C.ResidentErased>().Where(r => r.ResidentId == sub).ToList()),
            m => m.Count > 0, what: "ResidentErased to be published");
        Assert.Equal("admin-dpo", Assert.Single(published).ErasedBy);
    }

    [Fact]
    public async Task a_resident_who_comes_back_after_erasure_starts_afresh_under_a_new_key()
    {
        var sub = NewSub("back");
        using var me = f.Resident(sub);
        (await PutMe(me, Body(areas: ["bulwell"], email: $"{sub}@example.com"))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await me.DeleteAsync("/api/messaging/subscriptions/me")).StatusCode);

        var again = await PutMe(me, Body(areas: ["meadows"], email: $"{sub}@example.org"));

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        var view = await Json(await me.GetAsync("/api/messaging/subscriptions/me"));
        Assert.Equal($"{sub}@example.org", Str(view["channels"]!["email"]!["address"]));
        Assert.Equal(["meadows"], Strings(view["areas"]));
        Assert.Equal(["subscriber:" + sub + ":2"], await Scalar<string[]>(f, "select array_agg(id) from messaging.mt_doc_subject_key where data->>'key' is not null and id like 'subscriber:' || @s || '%'", sub));
        // The whole stream still reads: old events without their shredded fields, new ones in full.
        var events = await f.StreamAsync(ResidentSubscription.StreamId(sub));
        Assert.Equal(new[] { null, $"{sub}@example.org" }, events.Select(e => e.Data).OfType<EmailAddressGiven>().Select(e => e.Email));
        Assert.Equal(HttpStatusCode.NoContent, (await me.DeleteAsync("/api/messaging/subscriptions/me")).StatusCode);
        Assert.Equal(0L, await Scalar<long>(f, "select count(*) from messaging.mt_doc_subject_key where id like 'subscriber:' || @s || '%' and data->>'key' is not null", sub));
    }

    [Fact]
    public async Task erasing_a_resident_who_never_subscribed_still_clears_their_inbox()
    {
        var sub = NewSub("never");
        using var me = f.Resident(sub);
        await using (var conn = await Settings.DataSource.OpenConnectionAsync())
        {
            await InboxWriter.AddAsync(conn, "messaging", new InboxItem(Guid.NewGuid(), sub, null, "surgery:scheduled", "A surgery near you", "Tuesday 6pm", "en"), default);
        }

        var erased = await me.DeleteAsync("/api/messaging/subscriptions/me");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(0L, await Scalar<long>(f, "select count(*) from messaging.inbox_messages where subscriber_id = @s", sub));
        Assert.Equal("subscriber_erased", await Scalar<string>(f, "select type from messaging.mt_events where stream_id = 'subscription-' || @s", sub));
    }

    private static string RandomInward()
    {
        const string letters = "ABDEFGHJLNPQRSTUWXYZ";
        return $"{letters[Random.Shared.Next(letters.Length)]}{letters[Random.Shared.Next(letters.Length)]}";
    }

    /// <summary>Rows anywhere the service keeps data (events, documents, audit log, plain tables) holding the value in plain text.</summary>
    private Task<long> PlaintextRowsAsync(string value) => f.ScalarAsync<long>(
        """
        select (select count(*) from messaging.mt_events e where e::text ilike '%' || @v || '%')
             + (select count(*) from messaging.mt_doc_resident_subscription d where d::text ilike '%' || @v || '%')
             + (select count(*) from messaging.mt_doc_reply d where d::text ilike '%' || @v || '%')
             + (select count(*) from messaging.mt_doc_subject_key d where d::text ilike '%' || @v || '%')
             + (select count(*) from messaging.mt_doc_inbox d where d::text ilike '%' || @v || '%')
             + (select count(*) from messaging.audit_log a where a::text ilike '%' || @v || '%')
             + (select count(*) from messaging.mt_streams t where t::text ilike '%' || @v || '%')
             + (select count(*) from messaging.subscribers s where s::text ilike '%' || @v || '%')
             + (select count(*) from messaging.inbox_messages i where i::text ilike '%' || @v || '%')
             + (select count(*) from messaging.deliveries d where d::text ilike '%' || @v || '%')
             + (select count(*) from messaging.fatigue t where t::text ilike '%' || @v || '%')
        """, ("v", value));
}
